using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// The options SET and GETEX share (NX XX GET EX PX EXAT PXAT KEEPTTL PERSIST), parsed with
/// Redis' rules: conflicting options are a syntax error; the expiry is checked after.
/// </summary>
internal readonly record struct SetOptions(bool Nx, bool Xx, bool Get, bool KeepTtl, bool Persist, long ExpiresAt)
{
    /// <summary>
    /// Parses options from <paramref name="start"/>. For GETEX pass allowGet: false and
    /// getEx: true (PERSIST allowed; NX/XX/GET/KEEPTTL not). Replies the error on failure.
    /// </summary>
    public static bool TryParse(ClientSession client, in RespRequest request, int start, string command, bool allowGet, out SetOptions options,
        bool getEx = false)
    {
        options = default;
        bool nx = false, xx = false, get = false, keepTtl = false, persist = false;
        var unit = ExpiryUnit.None;
        var expiryArg = -1;
        for (var i = start; i < request.Count; i++)
        {
            var arg = request[i];
            var hasNext = i + 1 < request.Count;
            if (!getEx && Args.Is(arg, "NX"u8) && !xx)
            {
                nx = true;
            }
            else if (!getEx && Args.Is(arg, "XX"u8) && !nx)
            {
                xx = true;
            }
            else if (allowGet && Args.Is(arg, "GET"u8))
            {
                get = true;
            }
            else if (!getEx && Args.Is(arg, "KEEPTTL"u8) && unit == ExpiryUnit.None)
            {
                keepTtl = true;
            }
            else if (getEx && Args.Is(arg, "PERSIST"u8) && unit == ExpiryUnit.None)
            {
                persist = true;
            }
            else if (unit == ExpiryUnit.None && !keepTtl && !persist && hasNext && ParseUnit(arg) is var u && u != ExpiryUnit.None)
            {
                unit = u;
                expiryArg = ++i;
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return false;
            }
        }

        long expiresAt = 0;
        if (unit != ExpiryUnit.None)
        {
            if (!RespNumbers.TryParseInt64(request[expiryArg], out var amount))
            {
                client.Reply.Error(Errors.NotInteger);
                return false;
            }

            var seconds = unit is ExpiryUnit.Seconds or ExpiryUnit.UnixSeconds;
            if (amount <= 0 || (seconds && amount > long.MaxValue / 1000))
            {
                client.Reply.Error(Errors.InvalidExpireTime(command));
                return false;
            }

            var ms = seconds ? amount * 1000 : amount;
            if (unit is ExpiryUnit.Seconds or ExpiryUnit.Milliseconds)
            {
                var now = client.Keys.NowMs;
                if (ms > long.MaxValue - now)
                {
                    client.Reply.Error(Errors.InvalidExpireTime(command));
                    return false;
                }

                ms += now;
            }

            expiresAt = ms;
        }

        options = new SetOptions(nx, xx, get, keepTtl, persist, expiresAt);
        return true;
    }

    private static ExpiryUnit ParseUnit(ReadOnlySpan<byte> arg) =>
        Args.Is(arg, "EX"u8) ? ExpiryUnit.Seconds
        : Args.Is(arg, "PX"u8) ? ExpiryUnit.Milliseconds
        : Args.Is(arg, "EXAT"u8) ? ExpiryUnit.UnixSeconds
        : Args.Is(arg, "PXAT"u8) ? ExpiryUnit.UnixMilliseconds
        : ExpiryUnit.None;

    private enum ExpiryUnit
    {
        None,
        Seconds,
        Milliseconds,
        UnixSeconds,
        UnixMilliseconds,
    }
}
