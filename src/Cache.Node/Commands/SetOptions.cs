using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// The options SET and GETEX share (NX XX GET EX PX EXAT PXAT KEEPTTL PERSIST), parsed with
/// Redis' rules (parseExtendedStringArgumentsOrReply): conflicting options are a syntax error,
/// repeating one is not (the last expiry wins); the expiry amount is checked after the syntax.
/// </summary>
internal readonly record struct SetOptions(bool Nx, bool Xx, bool Get, bool KeepTtl, bool Persist, long ExpiresAt)
{
    /// <summary>Index of the EX/PX/EXAT/PXAT amount; 0 when no expiry was given.</summary>
    public int ExpiryArg { get; private init; }

    /// <summary>EXAT or PXAT: an absolute time, which may already have passed.</summary>
    public bool AbsoluteExpiry { get; private init; }

    private ExpiryUnit Unit { get; init; }

    /// <summary>
    /// Parses options from <paramref name="start"/>. For GETEX pass allowGet: false and
    /// getEx: true (PERSIST allowed; NX/XX/GET/KEEPTTL not); GETEX then checks the amount with
    /// <see cref="TryResolveExpiry"/> once the key is known to hold a string, as Redis does.
    /// SET's amount is checked here. Replies the error on failure.
    /// </summary>
    public static bool TryParse(ClientSession client, in RespRequest request, int start, string command, bool allowGet, out SetOptions options,
        bool getEx = false)
    {
        options = default;
        bool nx = false, xx = false, get = false, keepTtl = false, persist = false;
        var unit = ExpiryUnit.None;
        var expiryArg = 0;
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
            else if (!keepTtl && !persist && hasNext && ParseUnit(arg) is var u && u != ExpiryUnit.None && (unit == ExpiryUnit.None || unit == u))
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

        options = new SetOptions(nx, xx, get, keepTtl, persist, 0)
        {
            ExpiryArg = expiryArg,
            Unit = unit,
            AbsoluteExpiry = unit is ExpiryUnit.UnixSeconds or ExpiryUnit.UnixMilliseconds,
        };
        if (getEx || unit == ExpiryUnit.None)
        {
            return true;
        }

        if (!options.TryResolveExpiry(client, request, command, out var expiresAt))
        {
            return false;
        }

        options = options with { ExpiresAt = expiresAt };
        return true;
    }

    /// <summary>
    /// Turns the expiry amount into absolute Unix milliseconds (0 without one), replying
    /// "not an integer" or "invalid expire time in '<paramref name="command"/>' command" on failure.
    /// </summary>
    public bool TryResolveExpiry(ClientSession client, in RespRequest request, string command, out long expiresAt)
    {
        expiresAt = 0;
        if (Unit == ExpiryUnit.None)
        {
            return true;
        }

        if (!RespNumbers.TryParseInt64(request[ExpiryArg], out var amount))
        {
            client.Reply.Error(Errors.NotInteger);
            return false;
        }

        if (!TryToAbsolute(amount, Unit, client.Keys.NowMs, out expiresAt))
        {
            client.Reply.Error(Errors.InvalidExpireTime(command));
            return false;
        }

        return true;
    }

    /// <summary>SETEX/PSETEX: a relative amount in seconds or milliseconds to absolute Unix milliseconds.</summary>
    public static bool TryRelativeToAbsolute(long amount, bool seconds, long nowMs, out long expiresAt) =>
        TryToAbsolute(amount, seconds ? ExpiryUnit.Seconds : ExpiryUnit.Milliseconds, nowMs, out expiresAt);

    private static bool TryToAbsolute(long amount, ExpiryUnit unit, long nowMs, out long expiresAt)
    {
        expiresAt = 0;
        var seconds = unit is ExpiryUnit.Seconds or ExpiryUnit.UnixSeconds;
        if (amount <= 0 || (seconds && amount > long.MaxValue / 1000))
        {
            return false;
        }

        var ms = seconds ? amount * 1000 : amount;
        if (unit is ExpiryUnit.Seconds or ExpiryUnit.Milliseconds)
        {
            // Redis adds the current time and rejects the overflow it would cause.
            if (ms > long.MaxValue - nowMs)
            {
                return false;
            }

            ms += nowMs;
        }

        expiresAt = ms;
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
