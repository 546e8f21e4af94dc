using Cache.Integration.Tests.Infrastructure;
using Cache.Node.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cache.Integration.Tests.Backplanes;

/// <summary>One ASP.NET app instance on Kestrel (127.0.0.1, a free port) with ChatHub scaled out over the nodes.</summary>
internal sealed class SignalRApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SignalRApp(WebApplication app) => _app = app;

    public Uri HubUrl => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/chat");

    public static async Task<SignalRApp> StartAsync(IEnumerable<TestNode> nodes, string prefix)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSignalR().AddStackExchangeRedis(o =>
        {
            o.Configuration = Redis.Options(nodes);
            o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal(prefix);
        });
        var app = builder.Build();
        app.MapHub<ChatHub>("/chat");
        await app.StartAsync();
        return new SignalRApp(app);
    }

    public async Task<HubConnection> ConnectAsync()
    {
        var connection = new HubConnectionBuilder().WithUrl(HubUrl).Build();
        await connection.StartAsync();
        return connection;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
