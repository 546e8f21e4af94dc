using System.Net;
using System.Net.Security;

namespace Cache.Client.Resp;

/// <summary>Settings of one RESP connection. Defaults suit a cache on a local network.</summary>
internal sealed class RespConnectionOptions
{
    /// <summary>How long to wait for TCP connect plus the handshake.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one request may wait for its reply before it fails with <see cref="TimeoutException"/>.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Requests sent but not yet answered; callers beyond it wait (back-pressure).</summary>
    public int MaxInFlight { get; set; } = 4096;

    /// <summary>Sent with AUTH at connect when set.</summary>
    public string? Password { get; set; }

    /// <summary>Client name sent with CLIENT SETNAME at connect when set.</summary>
    public string? ClientName { get; set; }

    /// <summary>When set, the connection is TLS: the handshake options for the endpoint, asked for at each connect (so a reloaded certificate is used by the next one).</summary>
    public Func<EndPoint, SslClientAuthenticationOptions>? Tls { get; set; }
    /// <summary>
    /// Sends HELLO 3 at connect (after AUTH), so the server may interleave RESP3 pushes with replies
    /// (client tracking invalidations); each push is handed to <see cref="OnPush"/>.
    /// </summary>
    public bool Resp3 { get; set; }

    /// <summary>Called on the read loop for every out-of-band push; must be quick and must not throw.</summary>
    public Action<RespReply>? OnPush { get; set; }

    /// <summary>The clock for timeouts.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
