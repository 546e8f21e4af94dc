using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>HRANDFIELD: random fields, with Redis 7's count, repeat and WITHVALUES rules.</summary>
internal static class HashRandomFieldCommand
{
    /// <summary>Random probes before falling back to listing the occupied slots of a sparse table.</summary>
    private const int RandomProbes = 64;

    public static void Register(CommandTable table)
    {
        table.Add(new("hrandfield", -2, CommandFlags.ReadOnly, HRandField, HashCommands.Group, "Returns one or more random fields from a hash.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = HashCommands.Category,
            Tips = ["nondeterministic_output"],
        });
    }

    private static void HRandField(ClientSession client, in RespRequest request)
    {
        if (request.Count == 2)
        {
            if (HashCommands.TryRead(client, request[1], out var single))
            {
                if (single.IsMissing)
                {
                    client.Reply.Null();
                }
                else
                {
                    single.ReadAt(RandomSlot(single, client.Server.Random), out var field, out _);
                    client.Reply.Bulk(field);
                }
            }

            return;
        }

        if (!Args.TryInteger(client, request[2], out var count))
        {
            return;
        }

        if (count == long.MinValue)
        {
            client.Reply.Error(HashErrors.CountOutOfRange);
            return;
        }

        var withValues = request.Count == 4 && Args.Is(request[3], "WITHVALUES"u8);
        if (request.Count > 4 || (request.Count == 4 && !withValues))
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        if (withValues && (count < -(long.MaxValue / 2) || count > long.MaxValue / 2))
        {
            client.Reply.Error(HashErrors.OutOfRange);
            return;
        }

        if (!HashCommands.TryRead(client, request[1], out var hash))
        {
            return;
        }

        if (hash.IsMissing || count == 0)
        {
            client.Reply.ArrayHeader(0);
            return;
        }

        if (count < 0 || count == 1)
        {
            // Our reply lengths are ints; Redis would try to send such a count (gigabytes of picks).
            if (-count > (withValues ? int.MaxValue / 2 : int.MaxValue))
            {
                client.Reply.Error(HashErrors.OutOfRange);
                return;
            }

            ReplyWithRepeats(client, hash, (int)Math.Abs(count), withValues);
        }
        else
        {
            ReplyDistinct(client, hash, count, withValues);
        }
    }

    /// <summary>Count fields picked independently: repeats are allowed.</summary>
    private static void ReplyWithRepeats(ClientSession client, HashHandle hash, int count, bool withValues)
    {
        var random = client.Server.Random;
        WriteRandomHeader(client, count, withValues);
        int[]? occupied = null;
        for (var n = 0; n < count; n++)
        {
            int slot;
            if (occupied is not null)
            {
                slot = occupied[random.Next(occupied.Length)];
            }
            else
            {
                slot = TryProbe(hash, random);
                if (slot < 0)
                {
                    // A sparse table: list its slots once and pick from them from now on.
                    occupied = OccupiedSlots(hash);
                    slot = occupied[random.Next(occupied.Length)];
                }
            }

            WriteRandomField(client, hash, slot, withValues);
        }
    }

    /// <summary>
    /// Up to <paramref name="count"/> distinct fields: the whole hash when it is no bigger,
    /// otherwise a partial Fisher-Yates shuffle of the occupied slots.
    /// </summary>
    private static void ReplyDistinct(ClientSession client, HashHandle hash, long count, bool withValues)
    {
        var occupied = OccupiedSlots(hash);
        var take = (int)Math.Min(count, occupied.Length);
        if (take < occupied.Length)
        {
            var random = client.Server.Random;
            for (var i = 0; i < take; i++)
            {
                var j = random.Next(i, occupied.Length);
                (occupied[i], occupied[j]) = (occupied[j], occupied[i]);
            }
        }

        WriteRandomHeader(client, take, withValues);
        for (var i = 0; i < take; i++)
        {
            WriteRandomField(client, hash, occupied[i], withValues);
        }
    }

    private static void WriteRandomHeader(ClientSession client, int count, bool withValues) =>
        client.Reply.ArrayHeader(withValues && !client.Reply.IsResp3 ? count * 2 : count);

    /// <summary>One pick: the field, or field and value (a 2-element array in RESP3, as Redis 7 replies).</summary>
    private static void WriteRandomField(ClientSession client, HashHandle hash, int slot, bool withValues)
    {
        var reply = client.Reply;
        if (withValues && reply.IsResp3)
        {
            reply.ArrayHeader(2);
        }

        hash.ReadAt(slot, out var field, out var value);
        reply.Bulk(field);
        if (withValues)
        {
            reply.Bulk(value);
        }
    }

    /// <summary>A uniformly random occupied slot of a non-empty hash.</summary>
    private static int RandomSlot(HashHandle hash, Random random)
    {
        var slot = TryProbe(hash, random);
        if (slot >= 0)
        {
            return slot;
        }

        var occupied = OccupiedSlots(hash);
        return occupied[random.Next(occupied.Length)];
    }

    /// <summary>Probes random slots; -1 when none of a few probes hit a field (a sparse table).</summary>
    private static int TryProbe(HashHandle hash, Random random)
    {
        if (hash.IsPacked)
        {
            return -1;
        }

        for (var attempt = 0; attempt < RandomProbes; attempt++)
        {
            var slot = random.Next(hash.EntryLimit);
            if (hash.IsOccupied(slot))
            {
                return slot;
            }
        }

        return -1;
    }

    /// <summary>The positions of every field (slots of a table, offsets in a packed hash).</summary>
    private static int[] OccupiedSlots(HashHandle hash)
    {
        var slots = new int[hash.Count];
        var n = 0;
        var fields = hash.Fields();
        while (fields.MoveNext())
        {
            slots[n++] = fields.Position;
        }

        return slots;
    }
}
