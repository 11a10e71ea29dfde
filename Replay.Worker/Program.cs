using Relay.Replay.Worker.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddReplayServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseReplayMiddleware();

app.Run();
