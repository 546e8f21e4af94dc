using System.Globalization;
using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// A blocking command's timeout, as Redis' getTimeoutFromObjectOrReply reads it: seconds as a
/// long double, rounded up to whole milliseconds; 0 waits for ever.
/// </summary>
internal static class BlockingTimeout
{
    /// <summary>
    /// Parses <paramref name="arg"/> into an absolute deadline (unix ms, 0 for never); on a bad
    /// timeout replies Redis' error and returns false.
    /// </summary>
    public static bool TryParse(ClientSession client, ReadOnlySpan<byte> arg, out long deadlineMs)
    {
        deadlineMs = 0;
        if (!LongDouble.TryParse(arg, out var value))
        {
            client.Reply.Error("ERR timeout is not a float or out of range"u8);
            return false;
        }

        // Read through the long double's decimal form, so hex floats and 1e400 read as Redis reads them.
        var seconds = value.IsInfinity
            ? double.PositiveInfinity
            : double.Parse(Encoding.ASCII.GetString(value.ToHumanBytes()), NumberStyles.Float, CultureInfo.InvariantCulture);
        var ms = Math.Ceiling(seconds * 1000.0);
        // Redis casts to long long: infinity and values past its range come out negative on x86-64.
        if (ms < 0 || double.IsInfinity(ms) || ms >= long.MaxValue)
        {
            client.Reply.Error("ERR timeout is negative"u8);
            return false;
        }

        if (ms > 0)
        {
            deadlineMs = (long)ms + client.Keys.NowMs;
        }

        return true;
    }
}
