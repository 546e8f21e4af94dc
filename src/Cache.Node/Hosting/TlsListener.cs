using Cache.Node.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Cache.Node.Hosting;

/// <summary>
/// The TLS port: Kestrel's TLS connection middleware in front of the same RESP handler. Each
/// handshake takes the options of the latest load, so a reloaded certificate serves the next
/// connection and established ones keep theirs.
/// </summary>
internal static class TlsListener
{
    // A client that connects and never finishes its handshake holds a connection slot for this long at most.
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    public static void Configure(ListenOptions listen, TlsSettings tls)
    {
        // No ALPN: RESP is not HTTP, and redis-cli and StackExchange.Redis offer none.
        listen.Protocols = HttpProtocols.Http1;
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(tls.ServerOptions),
            HandshakeTimeout = HandshakeTimeout,
        });
        listen.UseConnectionHandler<RespConnectionHandler>();
    }
}
