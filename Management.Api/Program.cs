using Relay.Management.Api.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddManagementServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapManagementApi();

app.Run();
