using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>SMOVE and SSCAN.</summary>
internal static partial class SetCommands
{

    private static void RegisterMoveAndScan(CommandTable table)
    {
        table.Add(new("smove", 4, CommandFlags.Write | CommandFlags.Fast, SMove, Group, "Moves a member from one set to another.")
        {
            Keys = new([KeySpec.At(1, KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete), KeySpec.At(2, KeySpecFlags.RW | KeySpecFlags.Insert)]),
            Acl = Category,
        });
        table.Add(new("sscan", -3, CommandFlags.ReadOnly, SScan, Group, "Iterates over members of a set.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
            Tips = ["nondeterministic_output"],
        });
    }

    /// <summary>
    /// SMOVE source destination member, in Redis' order of checks: a missing source answers 0
    /// before any type is checked; the destination is only written (and so only seen changed by
    /// WATCH) when the member is new there.
    /// </summary>
    private static void SMove(ClientSession client, in RespRequest request)
    {
        var source = request[1];
        var destination = request[2];
        var member = request[3];
        var keys = client.Keys;
        ref var from = ref keys.Lookup(source);
        ref var to = ref keys.Lookup(destination);
        if (Unsafe.IsNullRef(ref from))
        {
            client.Reply.Integer(0);
            return;
        }

        if (from.Kind != ValueKind.Set || (!Unsafe.IsNullRef(ref to) && to.Kind != ValueKind.Set))
        {
            client.Reply.Error(Errors.WrongType);
            return;
        }

        var sets = keys.Sets;
        if (Unsafe.AreSame(ref from, ref to))
        {
            client.Reply.Integer(sets.Contains(from, member) ? 1 : 0);
            return;
        }

        if (!sets.Remove(ref from, member))
        {
            client.Reply.Integer(0);
            return;
        }

        client.Notify(KeyspaceEvents.Set, "srem"u8, source);
        if (sets.Count(from) == 0)
        {
            keys.Delete(source);
            client.Notify(KeyspaceEvents.Generic, "del"u8, source);
        }
        else
        {
            keys.Touch(source);
        }

        ref var target = ref keys.GetOrAdd(destination, out _);
        if (sets.Add(ref target, member))
        {
            keys.Touch(destination);
            client.Notify(KeyspaceEvents.Set, "sadd"u8, destination);
        }

        client.Reply.Integer(1);
    }

    /// <summary>
    /// SSCAN key cursor [MATCH pattern] [COUNT count]. A packed set answers whole with cursor 0
    /// (as Redis does for an intset); a large one is walked by home bucket in reverse-binary
    /// order, so a member present for the whole scan is returned at least once even if the
    /// table grows or shrinks meanwhile. The key is looked up before the options are parsed.
    /// </summary>
    private static void SScan(ClientSession client, in RespRequest request)
    {
        if (!ScanArguments.TryParseCursor(request[2], out var cursor))
        {
            client.Reply.Error(SetErrors.InvalidCursor);
            return;
        }

        ref var entry = ref Find(client, request[1], countHit: true, out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.WriteRaw("*2\r\n$1\r\n0\r\n*0\r\n"u8);
            return;
        }

        if (!ScanArguments.TryParseOptions(client, request, out var count, out var patternAt))
        {
            return;
        }

        var pattern = patternAt > 0 ? request[patternAt] : ReadOnlySpan<byte>.Empty;
        var usePattern = patternAt > 0 && !(pattern.Length == 1 && pattern[0] == (byte)'*');

        var sets = client.Keys.Sets;
        Span<byte> scratch = stackalloc byte[SetInteger.MaxDigits];
        if (SetStore.IsPacked(entry))
        {
            var found = sets.Positions;
            found.Clear();
            var members = sets.Members(entry, scratch);
            while (members.MoveNext())
            {
                if (!usePattern || Glob.IsMatch(pattern, members.Current))
                {
                    found.Add(members.Position);
                }
            }

            WriteScanReply(client, entry, 0, found, scratch);
            return;
        }

        var slots = sets.Positions;
        slots.Clear();
        var next = sets.ScanLarge(entry, cursor, count, slots);
        if (usePattern)
        {
            var kept = 0;
            foreach (var slot in slots)
            {
                if (Glob.IsMatch(pattern, sets.MemberAt(entry, slot, scratch)))
                {
                    slots[kept++] = slot;
                }
            }

            slots.RemoveRange(kept, slots.Count - kept);
        }

        WriteScanReply(client, entry, next, slots, scratch);
    }

    private static void WriteScanReply(ClientSession client, in StoreEntry entry, ulong cursor, List<int> positions, Span<byte> scratch)
    {
        var reply = client.Reply;
        reply.ArrayHeader(2);
        Span<byte> digits = stackalloc byte[SetInteger.MaxDigits];
        System.Buffers.Text.Utf8Formatter.TryFormat(cursor, digits, out var written);
        reply.Bulk(digits[..written]);
        reply.ArrayHeader(positions.Count);
        foreach (var position in positions)
        {
            reply.Bulk(client.Keys.Sets.MemberAt(entry, position, scratch));
        }
    }
}
