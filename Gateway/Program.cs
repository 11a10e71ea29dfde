using Relay.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

// The gateway's port is public: its own /health and /alive show no dependency detail either.
app.MapDefaultEndpoints(publicDetail: true);
app.MapGatewayApi();

app.Run();
