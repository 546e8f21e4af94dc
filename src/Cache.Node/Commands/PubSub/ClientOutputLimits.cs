using Cache.Node.Configuration;

namespace Cache.Node.Commands;

/// <summary>
/// <c>client-output-buffer-limit</c> by client class, as Redis keeps it. Only the pubsub class
/// is enforced (on a connection's <see cref="PushQueue"/>); normal and replica are kept so CONFIG
/// GET answers what was set.
/// </summary>
internal sealed class ClientOutputLimits
{
    public OutputBufferLimit Normal { get; private set; } = new(0, 0, 0);

    public OutputBufferLimit Replica { get; private set; } = new(256L * 1024 * 1024, 64L * 1024 * 1024, 60);

    public OutputBufferLimit PubSub { get; private set; } = OutputBufferLimit.PubSubDefault;

    public override string ToString() => $"normal {Normal} slave {Replica} pubsub {PubSub}";

    /// <summary>Validates a CONFIG SET value ("class hard soft seconds" ...); Redis' error, or null and the change.</summary>
    public static (string? Error, Action<CacheServer>? Apply) Parse(string value)
    {
        var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length % 4 != 0)
        {
            return ("Wrong number of arguments in buffer limit configuration.", null);
        }

        var changes = new List<(int Class, OutputBufferLimit Limit)>();
        for (var i = 0; i < words.Length; i += 4)
        {
            var kind = words[i].ToLowerInvariant() switch
            {
                "normal" => 0,
                "slave" or "replica" => 1,
                "pubsub" => 2,
                _ => -1,
            };
            if (kind < 0)
            {
                return ("Invalid client class specified in buffer limit configuration.", null);
            }

            if (!MemorySize.TryParse(words[i + 1], out var hard) || !MemorySize.TryParse(words[i + 2], out var soft)
                || !long.TryParse(words[i + 3], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
                || hard < 0 || soft < 0 || seconds < 0)
            {
                return ("Error in hard, soft or soft_seconds setting in buffer limit configuration.", null);
            }

            changes.Add((kind, new OutputBufferLimit(hard, soft, seconds)));
        }

        return (null, server =>
        {
            foreach (var (kind, limit) in changes)
            {
                switch (kind)
                {
                    case 0:
                        server.OutputLimits.Normal = limit;
                        break;
                    case 1:
                        server.OutputLimits.Replica = limit;
                        break;
                    default:
                        server.OutputLimits.PubSub = limit;
                        break;
                }
            }
        }
        );
    }
}
