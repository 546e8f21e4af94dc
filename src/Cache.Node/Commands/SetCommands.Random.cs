using System.Buffers;
using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>Set commands that pick members at random: SRANDMEMBER and SPOP, with Redis 7's count rules.</summary>
internal static partial class SetCommands
{
    // Redis' CASE 3 threshold: below three times the count, pick by shuffling every member.
    private const int ShuffleFactor = 3;

    private static void RegisterRandom(CommandTable table)
    {
        table.Add(new("srandmember", -2, CommandFlags.ReadOnly, SRandMember, Group, "Get one or multiple random members from a set")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
            Tips = ["nondeterministic_output"],
        });
        table.Add(new("spop", -2, CommandFlags.Write | CommandFlags.Fast, SPop, Group, "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete),
            Acl = Category,
            Tips = ["nondeterministic_output"],
        });
    }

    private static void SRandMember(ClientSession client, in RespRequest request)
    {
        if (request.Count > 3)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        Span<byte> scratch = stackalloc byte[SetInteger.MaxDigits];
        var sets = client.Keys.Sets;
        var random = client.Server.Random;
        if (request.Count == 2)
        {
            ref var single = ref Find(client, request[1], countHit: true, out var wrong);
            if (wrong)
            {
                return;
            }

            if (Unsafe.IsNullRef(ref single))
            {
                client.Reply.Null();
            }
            else
            {
                client.Reply.Bulk(sets.RandomMember(single, random, scratch));
            }

            return;
        }

        if (!Args.TryInteger(client, request[2], out var count))
        {
            return;
        }

        if (count == long.MinValue)
        {
            client.Reply.Error(SetErrors.CountOutOfRange);
            return;
        }

        ref var entry = ref Find(client, request[1], countHit: true, out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (Unsafe.IsNullRef(ref entry) || count == 0)
        {
            client.Reply.ArrayHeader(0);
            return;
        }

        var size = sets.Count(entry);
        if (count < 0 || count == 1)
        {
            // Picks with repeats. Our reply lengths are ints; Redis would try to send such a count.
            if (-count > int.MaxValue)
            {
                client.Reply.Error(SetErrors.OutOfRange);
                return;
            }

            var picks = (int)Math.Abs(count);
            client.Reply.ArrayHeader(picks);
            for (var i = 0; i < picks; i++)
            {
                client.Reply.Bulk(sets.RandomMember(entry, random, scratch));
            }

            return;
        }

        if (count >= size)
        {
            client.Reply.ArrayHeader(size);
            WriteMembers(client, entry);
            return;
        }

        WriteDistinct(client, entry, (int)count, size, scratch);
    }

    /// <summary>
    /// <paramref name="count"/> distinct members (fewer than the set has): a partial shuffle of every
    /// position when the set is not much bigger, else random picks with the repeats skipped.
    /// </summary>
    private static void WriteDistinct(ClientSession client, in StoreEntry entry, int count, int size, Span<byte> scratch)
    {
        var sets = client.Keys.Sets;
        var random = client.Server.Random;
        client.Reply.ArrayHeader(count);
        if ((long)count * ShuffleFactor > size || SetStore.IsPacked(entry))
        {
            var positions = ArrayPool<int>.Shared.Rent(size);
            var n = 0;
            var members = sets.Members(entry, scratch);
            while (members.MoveNext())
            {
                positions[n++] = members.Position;
            }

            for (var i = 0; i < count; i++)
            {
                var j = random.Next(i, size);
                (positions[i], positions[j]) = (positions[j], positions[i]);
                client.Reply.Bulk(sets.MemberAt(entry, positions[i], scratch));
            }

            ArrayPool<int>.Shared.Return(positions);
            return;
        }

        var seen = new HashSet<int>(count);
        while (seen.Count < count)
        {
            var slot = sets.RandomPosition(entry, random);
            if (seen.Add(slot))
            {
                client.Reply.Bulk(sets.MemberAt(entry, slot, scratch));
            }
        }
    }

    /// <summary>Writes every member (the header is the caller's).</summary>
    private static void WriteMembers(ClientSession client, in StoreEntry entry)
    {
        Span<byte> scratch = stackalloc byte[SetInteger.MaxDigits];
        var members = client.Keys.Sets.Members(entry, scratch);
        while (members.MoveNext())
        {
            client.Reply.Bulk(members.Current);
        }
    }

    private static void SPop(ClientSession client, in RespRequest request)
    {
        if (request.Count > 3)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        long count = 1;
        if (request.Count == 3 && (!RespNumbers.TryParseInt64(request[2], out count) || count < 0))
        {
            client.Reply.Error(SetErrors.MustBePositive);
            return;
        }

        var key = request[1];
        ref var entry = ref Find(client, key, countHit: false, out var wrongType);
        if (wrongType)
        {
            return;
        }

        var withCount = request.Count == 3;
        if (Unsafe.IsNullRef(ref entry))
        {
            if (withCount)
            {
                client.Reply.SetHeader(0);
            }
            else
            {
                client.Reply.Null();
            }

            return;
        }

        if (count == 0)
        {
            client.Reply.SetHeader(0);
            return;
        }

        var sets = client.Keys.Sets;
        var size = sets.Count(entry);
        if (withCount && count >= size)
        {
            WriteWholeSet(client, entry);
            client.Keys.Delete(key);
            client.Feed.Rewrite(2).Arg("DEL"u8).Arg(key);
            client.Notify(KeyspaceEvents.Set, "spop"u8, key);
            client.Notify(KeyspaceEvents.Generic, "del"u8, key);
            return;
        }

        if (withCount)
        {
            client.Reply.SetHeader((int)count);
        }

        Span<byte> scratch = stackalloc byte[SetInteger.MaxDigits];
        var popped = sets.Results;
        var random = client.Server.Random;
        for (var i = 0; i < count; i++)
        {
            var member = sets.RandomMember(entry, random, scratch);
            client.Reply.Bulk(member);
            // Replicated as SREM of what was drawn: one rewrite without a count, one SREM each with one.
            if (withCount)
            {
                client.Feed.Also(3).Arg("SREM"u8).Arg(key).Arg(member);
            }
            else
            {
                client.Feed.Rewrite(3).Arg("SREM"u8).Arg(key).Arg(member);
            }

            popped.Clear();
            popped.Add(member);
            sets.Remove(ref entry, popped[0]);
        }

        popped.Clear();
        if (withCount)
        {
            client.Feed.Prevent();
        }

        var emptied = sets.Count(entry) == 0;
        if (emptied)
        {
            client.Keys.Delete(key);
        }
        else
        {
            client.Keys.Touch(key);
        }

        client.Notify(KeyspaceEvents.Set, "spop"u8, key);
        if (emptied)
        {
            client.Notify(KeyspaceEvents.Generic, "del"u8, key);
        }
    }
}
