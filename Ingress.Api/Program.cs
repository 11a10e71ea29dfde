using Relay.Ingress.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIngressServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapIngressApi();

app.Run();
