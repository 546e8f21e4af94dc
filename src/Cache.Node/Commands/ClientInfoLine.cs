using System.Globalization;
using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// One line of CLIENT LIST / CLIENT INFO, with the fields Redis 7.0 prints in its order
/// (networking.c catClientInfoString), then Redis 7.2's lib-name and lib-ver, since CLIENT
/// SETINFO (7.2) is served and they are its only trace. Figures that have no counterpart here are 0: we keep
/// no reply buffer between batches (rbs, obl, oll) and no output list (omem counts only the
/// monitor lines still waiting). tot-mem is the query buffer, the running command's arguments,
/// the queued transaction and waiting monitor lines, plus a fixed estimate of a session's own
/// objects.
/// </summary>
internal static class ClientInfoLine
{
    // A session's parser, reply queue and state objects, roughly, before any buffer.
    private const long SessionOverhead = 1024;

    /// <summary>Appends <paramref name="s"/>'s line; <paramref name="running"/> is the command it runs now (empty for another client).</summary>
    public static void Append(StringBuilder text, ClientSession s, long now, in RespRequest running)
    {
        var inv = CultureInfo.InvariantCulture;
        var c = s.Connection;
        var multi = s.Transaction.Queue;
        long argvMem = 0;
        for (var i = 0; i < running.Count; i++)
        {
            argvMem += running[i].Length;
        }

        long multiMem = 0;
        if (multi is not null)
        {
            foreach (var (_, queued) in multi)
            {
                multiMem += queued.Size;
            }
        }

        var qbuf = s.QueryBuffer.Pending;
        var qbufFree = s.QueryBuffer.Free;
        var omem = (s.Monitor?.PendingBytes ?? 0) + s.Pushes.PendingBytes;
        var totMem = SessionOverhead + qbuf + qbufFree + argvMem + multiMem + omem;
        text.Append(inv, $"id={c.Id} addr={c.RemoteAddress} laddr={c.LocalAddress} fd={c.Fd} name={c.Name}")
            .Append(inv, $" age={Math.Max(0, now - c.CreatedAtMs) / 1000} idle={Math.Max(0, now - c.LastInteractionMs) / 1000}")
            .Append(" flags=");
        AppendFlags(text, s);
        text.Append(inv, $" db=0 sub={s.SubscriptionsOf(PubSubKind.Channel)} psub={s.SubscriptionsOf(PubSubKind.Pattern)} ssub={s.SubscriptionsOf(PubSubKind.Shard)} multi={multi?.Count ?? s.Transaction.ExecutingCount}")
            .Append(inv, $" qbuf={qbuf} qbuf-free={qbufFree} argv-mem={argvMem} multi-mem={multiMem}")
            .Append(inv, $" rbs=0 rbp={s.ReplyPeak} obl=0 oll=0 omem={omem} tot-mem={totMem} events=r")
            .Append(" cmd=").Append(s.LastCommand)
            .Append(inv, $" user={c.User.Name} redir={((s.TrackingMode & TrackingModes.On) != 0 ? s.TrackingRedirect : -1)} resp={s.Reply.Protocol}")
            .Append(inv, $" lib-name={c.LibraryName} lib-ver={c.LibraryVersion}")
            .Append('\n');
    }

    // Redis' letters in Redis' order; N when none applies.
    private static void AppendFlags(StringBuilder text, ClientSession s)
    {
        var start = text.Length;
        if (s.Monitor is not null)
        {
            text.Append('O');
        }

        if (s.IsSubscriber)
        {
            text.Append('P');
        }

        if (s.Transaction.InTransaction)
        {
            text.Append('x');
        }

        if (s.Blocked is not null)
        {
            text.Append('b');
        }

        var tracking = s.TrackingMode;
        if ((tracking & TrackingModes.On) != 0)
        {
            text.Append('t');
        }

        if ((tracking & TrackingModes.BrokenRedirect) != 0)
        {
            text.Append('R');
        }

        if ((tracking & TrackingModes.Broadcast) != 0)
        {
            text.Append('B');
        }

        if (s.Transaction.Watch.Dirty)
        {
            text.Append('d');
        }

        if (s.Connection.CloseRequested)
        {
            text.Append('c');
        }

        if (s.Connection.ReadFromReplica)
        {
            text.Append('r');
        }

        if (s.Connection.NoEvict)
        {
            text.Append('e');
        }

        if (text.Length == start)
        {
            text.Append('N');
        }
    }
}
