using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO, with Redis 7.0's checks and errors in its order.</summary>
internal static class ClientTrackingCommands
{
    /// <summary>CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP].</summary>
    public static void Tracking(ClientSession client, in RespRequest request)
    {
        long redirect = 0;
        var options = TrackingModes.None;
        var prefixes = new List<byte[]>();
        for (var i = 3; i < request.Count; i++)
        {
            var more = request.Count - 1 - i > 0;
            var option = request[i];
            if (Args.Is(option, "REDIRECT"u8) && more)
            {
                i++;
                if (redirect != 0)
                {
                    client.Reply.Error("ERR A client can only redirect to a single other client"u8);
                    return;
                }

                if (!RespNumbers.TryParseInt64(request[i], out redirect))
                {
                    client.Reply.Error(Errors.NotInteger);
                    return;
                }

                // The client must exist now, even if it may go later: a sanity check, as in Redis.
                if (!client.Server.Clients.ContainsKey(redirect))
                {
                    client.Reply.Error("ERR The client ID you want redirect to does not exist"u8);
                    return;
                }
            }
            else if (Args.Is(option, "BCAST"u8))
            {
                options |= TrackingModes.Broadcast;
            }
            else if (Args.Is(option, "OPTIN"u8))
            {
                options |= TrackingModes.OptIn;
            }
            else if (Args.Is(option, "OPTOUT"u8))
            {
                options |= TrackingModes.OptOut;
            }
            else if (Args.Is(option, "NOLOOP"u8))
            {
                options |= TrackingModes.NoLoop;
            }
            else if (Args.Is(option, "PREFIX"u8) && more)
            {
                i++;
                prefixes.Add(request[i].ToArray());
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        if (Args.Is(request[2], "ON"u8))
        {
            if (Refusal(client, options, prefixes) is { } error)
            {
                client.Reply.Error(Encoding.Latin1.GetBytes(error));
                return;
            }

            client.Server.Tracking.Enable(client, redirect, options, prefixes);
        }
        else if (Args.Is(request[2], "OFF"u8))
        {
            client.Server.Tracking.Disable(client);
        }
        else
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        client.Reply.Ok();
    }

    /// <summary>CLIENT CACHING YES|NO: the next command's keys are (OPTIN) or are not (OPTOUT) remembered.</summary>
    public static void Caching(ClientSession client, in RespRequest request)
    {
        var mode = client.TrackingMode;
        if ((mode & TrackingModes.On) == 0)
        {
            client.Reply.Error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled"u8);
            return;
        }

        if (Args.Is(request[2], "YES"u8))
        {
            if ((mode & TrackingModes.OptIn) == 0)
            {
                client.Reply.Error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."u8);
                return;
            }
        }
        else if (Args.Is(request[2], "NO"u8))
        {
            if ((mode & TrackingModes.OptOut) == 0)
            {
                client.Reply.Error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."u8);
                return;
            }
        }
        else
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        client.TrackingMode |= TrackingModes.Caching;
        client.Reply.Ok();
    }

    /// <summary>CLIENT GETREDIR: the REDIRECT id, 0 without one, -1 with tracking off.</summary>
    public static void GetRedirect(ClientSession client, in RespRequest request) =>
        client.Reply.Integer((client.TrackingMode & TrackingModes.On) != 0 ? client.TrackingRedirect : -1);

    /// <summary>CLIENT TRACKINGINFO: flags (a set), redirect and prefixes, as Redis prints them.</summary>
    public static void TrackingInfo(ClientSession client, in RespRequest request)
    {
        var mode = client.TrackingMode;
        var flags = new List<string> { (mode & TrackingModes.On) != 0 ? "on" : "off" };
        if ((mode & TrackingModes.Broadcast) != 0)
        {
            flags.Add("bcast");
        }

        if ((mode & TrackingModes.OptIn) != 0)
        {
            flags.Add("optin");
            if ((mode & TrackingModes.Caching) != 0)
            {
                flags.Add("caching-yes");
            }
        }

        if ((mode & TrackingModes.OptOut) != 0)
        {
            flags.Add("optout");
            if ((mode & TrackingModes.Caching) != 0)
            {
                flags.Add("caching-no");
            }
        }

        if ((mode & TrackingModes.NoLoop) != 0)
        {
            flags.Add("noloop");
        }

        if ((mode & TrackingModes.BrokenRedirect) != 0)
        {
            flags.Add("broken_redirect");
        }

        var reply = client.Reply;
        reply.MapHeader(3);
        reply.Bulk("flags"u8);
        reply.SetHeader(flags.Count);
        foreach (var flag in flags)
        {
            reply.Bulk(Encoding.ASCII.GetBytes(flag));
        }

        reply.Bulk("redirect"u8);
        reply.Integer((mode & TrackingModes.On) != 0 ? client.TrackingRedirect : -1);
        reply.Bulk("prefixes"u8);
        var prefixes = client.TrackingPrefixes;
        reply.ArrayHeader(prefixes?.Count ?? 0);
        if (prefixes is not null)
        {
            foreach (var prefix in prefixes)
            {
                reply.Bulk(prefix);
            }
        }
    }

    // Redis' checks before enableTracking, in its order.
    private static string? Refusal(ClientSession client, TrackingModes options, List<byte[]> prefixes)
    {
        var bcast = (options & TrackingModes.Broadcast) != 0;
        var mode = client.TrackingMode;
        if (!bcast && prefixes.Count > 0)
        {
            return "ERR PREFIX option requires BCAST mode to be enabled";
        }

        if ((mode & TrackingModes.On) != 0 && ((mode & TrackingModes.Broadcast) != 0) != bcast)
        {
            return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.";
        }

        if (bcast && (options & (TrackingModes.OptIn | TrackingModes.OptOut)) != 0)
        {
            return "ERR OPTIN and OPTOUT are not compatible with BCAST";
        }

        if ((options & TrackingModes.OptIn) != 0 && (options & TrackingModes.OptOut) != 0)
        {
            return "ERR You can't specify both OPTIN mode and OPTOUT mode";
        }

        if (((options & TrackingModes.OptIn) != 0 && (mode & TrackingModes.OptOut) != 0)
            || ((options & TrackingModes.OptOut) != 0 && (mode & TrackingModes.OptIn) != 0))
        {
            return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.";
        }

        return bcast ? PrefixCollision(client, prefixes) : null;
    }

    // Redis' checkPrefixCollisionsOrReply: no prefix may be a prefix of another, old or new (Redis prints them as C strings).
    private static string? PrefixCollision(ClientSession client, List<byte[]> prefixes)
    {
        for (var i = 0; i < prefixes.Count; i++)
        {
            if (client.TrackingPrefixes is { } existing)
            {
                foreach (var old in existing)
                {
                    if (Overlap(old, prefixes[i]))
                    {
                        return $"ERR Prefix '{CString(prefixes[i])}' overlaps with an existing prefix '{CString(old)}'. Prefixes for a single client must not overlap.";
                    }
                }
            }

            for (var j = i + 1; j < prefixes.Count; j++)
            {
                if (Overlap(prefixes[i], prefixes[j]))
                {
                    return $"ERR Prefix '{CString(prefixes[i])}' overlaps with another provided prefix '{CString(prefixes[j])}'. Prefixes for a single client must not overlap.";
                }
            }
        }

        return null;
    }

    private static bool Overlap(byte[] a, byte[] b)
    {
        var length = Math.Min(a.Length, b.Length);
        return a.AsSpan(0, length).SequenceEqual(b.AsSpan(0, length));
    }

    private static string CString(byte[] bytes)
    {
        var nul = Array.IndexOf(bytes, (byte)0);
        return Encoding.Latin1.GetString(bytes, 0, nul < 0 ? bytes.Length : nul);
    }
}
