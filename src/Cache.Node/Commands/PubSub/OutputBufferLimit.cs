using System.Globalization;

namespace Cache.Node.Commands;

/// <summary>
/// One class of <c>client-output-buffer-limit</c>: a hard limit in bytes (0: none) and a soft
/// limit (0: none) that may be exceeded for at most <see cref="SoftSeconds"/> seconds, as in Redis.
/// </summary>
internal sealed record OutputBufferLimit(long Hard, long Soft, long SoftSeconds)
{
    /// <summary>Redis' default for pub/sub clients: 32mb 8mb 60.</summary>
    public static OutputBufferLimit PubSubDefault { get; } = new(32L * 1024 * 1024, 8L * 1024 * 1024, 60);

    /// <summary>
    /// Whether <paramref name="pending"/> bytes pass the limit at <paramref name="nowMs"/>;
    /// <paramref name="softSinceMs"/> remembers since when the soft limit is exceeded (-1: it is not).
    /// </summary>
    public bool Exceeded(long pending, long nowMs, ref long softSinceMs)
    {
        if (Hard > 0 && pending >= Hard)
        {
            return true;
        }

        if (Soft > 0 && pending >= Soft)
        {
            if (softSinceMs < 0)
            {
                softSinceMs = nowMs;
                return false;
            }

            return nowMs - softSinceMs > SoftSeconds * 1000;
        }

        softSinceMs = -1;
        return false;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Hard} {Soft} {SoftSeconds}");
}
