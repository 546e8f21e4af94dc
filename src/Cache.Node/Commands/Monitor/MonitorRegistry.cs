using System.Globalization;
using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// The MONITOR clients and the line each executed command becomes for them, in Redis 7.0's form
/// (replicationFeedMonitors): <c>+&lt;seconds&gt;.&lt;micros&gt; [&lt;db&gt; &lt;addr&gt;] "arg" ...</c>, every argument
/// quoted as sdscatrepr does, and the secrets of AUTH and HELLO's AUTH shown as "(redacted)".
/// Changed and read under the key space gate, like the commands that feed it.
/// </summary>
internal sealed class MonitorRegistry(TimeProvider time)
{
    private readonly List<ClientSession> _monitors = [];

    /// <summary>True while at least one client monitors: the one check every command pays.</summary>
    public bool Active => _monitors.Count > 0;

    public void Add(ClientSession session)
    {
        if (!_monitors.Contains(session))
        {
            _monitors.Add(session);
        }
    }

    public void Remove(ClientSession session) => _monitors.Remove(session);

    /// <summary>Shows one executed command (argument 0 its name) to every monitor.</summary>
    public void Feed(string origin, in RespRequest request)
    {
        var line = Format(time.GetUtcNow(), origin, request);
        foreach (var monitor in _monitors)
        {
            monitor.Monitor?.Add(line);
        }
    }

    internal static byte[] Format(DateTimeOffset now, string origin, in RespRequest request)
    {
        var micros = (now - DateTimeOffset.UnixEpoch).Ticks / 10;
        var text = new StringBuilder(64);
        text.Append(CultureInfo.InvariantCulture, $"+{micros / 1_000_000}.{micros % 1_000_000:D6} [0 {origin}]");
        var secrets = Secrets(request);
        for (var i = 0; i < request.Count; i++)
        {
            text.Append(' ');
            if (secrets?[i] == true)
            {
                text.Append("\"(redacted)\"");
            }
            else
            {
                AppendRepr(text, request[i]);
            }
        }

        text.Append("\r\n");
        return Encoding.Latin1.GetBytes(text.ToString());
    }

    // Which arguments are secrets (Redis' redactClientCommandArgument): AUTH's, the two after
    // HELLO's AUTH keyword, and MIGRATE's AUTH password and AUTH2 username and password.
    private static bool[]? Secrets(in RespRequest request)
    {
        if (Args.Is(request[0], "AUTH"u8))
        {
            var all = new bool[request.Count];
            all.AsSpan(1).Fill(true);
            return all;
        }

        bool[]? secrets = null;
        if (Args.Is(request[0], "HELLO"u8))
        {
            for (var i = 2; i + 2 < request.Count; i++)
            {
                if (Args.Is(request[i], "AUTH"u8))
                {
                    secrets = new bool[request.Count];
                    secrets[i + 1] = secrets[i + 2] = true;
                    break;
                }
            }
        }
        else if (Args.Is(request[0], "MIGRATE"u8))
        {
            for (var i = 6; i < request.Count && !Args.Is(request[i], "KEYS"u8); i++)
            {
                var secret = Args.Is(request[i], "AUTH"u8) ? 1 : Args.Is(request[i], "AUTH2"u8) ? 2 : 0;
                for (var j = 0; j < secret && i + 1 < request.Count; j++)
                {
                    secrets ??= new bool[request.Count];
                    secrets[++i] = true;
                }
            }
        }

        return secrets;
    }

    /// <summary>Quotes <paramref name="bytes"/> as Redis' sdscatrepr: C escapes, \xHH for the unprintable.</summary>
    internal static void AppendRepr(StringBuilder text, ReadOnlySpan<byte> bytes)
    {
        text.Append('"');
        foreach (var b in bytes)
        {
            switch (b)
            {
                case (byte)'\\': text.Append("\\\\"); break;
                case (byte)'"': text.Append("\\\""); break;
                case (byte)'\n': text.Append("\\n"); break;
                case (byte)'\r': text.Append("\\r"); break;
                case (byte)'\t': text.Append("\\t"); break;
                case 7: text.Append("\\a"); break;
                case 8: text.Append("\\b"); break;
                case >= 0x20 and < 0x7f: text.Append((char)b); break;
                default: text.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}"); break;
            }
        }

        text.Append('"');
    }
}
