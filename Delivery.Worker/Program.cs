using Relay.Delivery.Worker.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddDeliveryServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseDeliveryMiddleware();

app.Run();
