using System.Runtime.CompilerServices;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>MEMORY USAGE | STATS | DOCTOR | PURGE | MALLOC-STATS | HELP over the store's exact accounting.</summary>
internal static class MemoryCommand
{
    private const string Group = "server";

    private static readonly string[] Help =
    [
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
    ];

    public static void Register(CommandTable table)
    {
        string[] everyShard = ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"];
        table.Add(new CommandDefinition("memory", -2, CommandFlags.None, null, Group, "A container for memory diagnostics commands.")
            .AddSubCommand(new("usage", -3, CommandFlags.ReadOnly, Usage, Group, "Estimates the memory usage of a key.")
            {
                Keys = new([KeySpec.At(2, KeySpecFlags.RO)]),
                Acl = AclCategories.Read,
            })
            .AddSubCommand(new("stats", 2, CommandFlags.None, Stats, Group, "Returns details about memory usage.") { Tips = everyShard })
            .AddSubCommand(new("doctor", 2, CommandFlags.None, Doctor, Group, "Outputs a memory problems report.") { Tips = everyShard })
            .AddSubCommand(new("malloc-stats", 2, CommandFlags.None, MallocStats, Group, "Returns the allocator statistics.") { Tips = everyShard })
            .AddSubCommand(new("purge", 2, CommandFlags.None, Purge, Group, "Asks the allocator to release memory.")
            {
                Tips = ["request_policy:all_shards", "response_policy:all_succeeded"],
            })
            .AddSubCommand(new("help", 2, CommandFlags.Loading | CommandFlags.Stale, ShowHelp, Group, "Returns helpful text about the different subcommands.")));
    }

    private static void ShowHelp(ClientSession client, in RespRequest request) => HelpReply.Write(client, "MEMORY", Help);

    private static void Usage(ClientSession client, in RespRequest request)
    {
        // SAMPLES is accepted for compatibility: the store's figure is exact, not sampled.
        for (var i = 3; i < request.Count; i++)
        {
            if (Args.Is(request[i], "SAMPLES"u8) && i + 1 < request.Count)
            {
                if (!RespNumbers.TryParseInt64(request[i + 1], out var samples))
                {
                    client.Reply.Error(Errors.NotInteger);
                    return;
                }

                if (samples < 0)
                {
                    client.Reply.Error(Errors.Syntax);
                    return;
                }

                i++;
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        var keys = client.Keys;
        ref var entry = ref keys.Lookup(request[2]);
        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Null();
            return;
        }

        client.Reply.Integer(keys.MemoryUsageOf(entry));
    }

    private static void Stats(ClientSession client, in RespRequest request)
    {
        var keys = client.Keys;
        var reply = client.Reply;
        reply.MapHeader(5);
        reply.Bulk("total.allocated"u8);
        reply.Integer(keys.UsedMemory);
        reply.Bulk("dataset.committed"u8);
        reply.Integer(keys.CommittedMemory);
        reply.Bulk("keys.count"u8);
        reply.Integer(keys.Count);
        reply.Bulk("keys.bytes-per-key"u8);
        reply.Integer(keys.Count == 0 ? 0 : keys.UsedMemory / keys.Count);
        reply.Bulk("gc.heap.bytes"u8);
        reply.Integer(GC.GetGCMemoryInfo().HeapSizeBytes);
    }

    private static void Doctor(ClientSession client, in RespRequest request) =>
        client.Reply.Bulk("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base."u8);

    private static void MallocStats(ClientSession client, in RespRequest request) =>
        client.Reply.Bulk("Stats not supported for the current allocator"u8);

    // The store's memory is slab pages it keeps by design; there is nothing dirty to hand back.
    private static void Purge(ClientSession client, in RespRequest request) => client.Reply.Ok();
}
