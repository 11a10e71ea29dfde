using Relay.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGatewayApi();

app.Run();
