// The sample app of ChunkedBuild: a minimal ASP.NET Core service, published as a lazily pullable container image.
var builder = WebApplication.CreateSlimBuilder(args);
var app = builder.Build();
app.MapGet("/", () => $"hello from {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}");
app.MapGet("/healthz", () => Results.Ok());
app.Run();
