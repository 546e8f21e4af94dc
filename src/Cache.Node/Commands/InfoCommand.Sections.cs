using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>The fields of each INFO section. Figures we do not have (buffers, fork, replication) are Redis' idle values.</summary>
internal static partial class InfoCommand
{
    private static void Server(StringBuilder text, ClientSession client)
    {
        var server = client.Server;
        var uptime = Math.Max(0, client.Keys.NowMs - server.StartedAtMs) / 1000;
        var micros = (client.Keys.Time.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        Line(text, "redis_version", ServerInfo.RedisVersionText);
        Line(text, "gossipcache_version", ServerInfo.ProductVersion);
        Line(text, "redis_git_sha1", "00000000");
        Line(text, "redis_git_dirty", 0);
        // CLUSTER NODES answers with the slot map, so clients must see a cluster here too.
        Line(text, "redis_mode", client.Server.Cluster is null ? "standalone" : "cluster");
        Line(text, "os", $"{RuntimeInformation.OSDescription} {ArchitectureName()}");
        Line(text, "arch_bits", Environment.Is64BitProcess ? 64 : 32);
        Line(text, "dotnet_version", RuntimeInformation.FrameworkDescription);
        Line(text, "process_id", Environment.ProcessId);
        Line(text, "process_supervised", "no");
        Line(text, "run_id", server.RunId);
        Line(text, "tcp_port", server.BoundPort);
        Line(text, "server_time_usec", micros);
        Line(text, "uptime_in_seconds", uptime);
        Line(text, "uptime_in_days", uptime / 86400);
        Line(text, "hz", server.Settings.Hz);
        Line(text, "configured_hz", server.Settings.Hz);
        Line(text, "executable", Environment.ProcessPath ?? "");
        Line(text, "config_file", "");
    }

    private static void Clients(StringBuilder text, ClientSession client)
    {
        Line(text, "connected_clients", client.Server.Clients.Count);
        Line(text, "cluster_connections", 0);
        Line(text, "maxclients", client.Server.Settings.MaxClients);
        Line(text, "client_recent_max_input_buffer", 0);
        Line(text, "client_recent_max_output_buffer", 0);
        Line(text, "blocked_clients", client.Server.Blocking.BlockedCount);
        Line(text, "tracking_clients", client.Server.Tracking.ClientCount);
        Line(text, "clients_in_timeout_table", client.Server.Blocking.TimedCount);
    }

    private static void Memory(StringBuilder text, ClientSession client)
    {
        // used_memory is the store's exact account (slab chunks, index, large hashes); the GC figures follow.
        var keys = client.Keys;
        var used = keys.UsedMemory;
        var rss = Environment.WorkingSet;
        var gc = GC.GetGCMemoryInfo();
        Line(text, "used_memory", used);
        Line(text, "used_memory_human", BytesToHuman(used));
        Line(text, "used_memory_rss", rss);
        Line(text, "used_memory_rss_human", BytesToHuman(rss));
        Line(text, "used_memory_dataset_committed", keys.CommittedMemory);
        ScriptMemory(text, client.Server);
        Line(text, "slab_pages", keys.SlabPages);
        Line(text, "maxmemory", keys.MaxMemory);
        Line(text, "maxmemory_human", BytesToHuman(keys.MaxMemory));
        Line(text, "maxmemory_policy", EvictionPolicies.NameOf(keys.Policy));
        Line(text, "mem_allocator", "dotnet-gc");
        // Nothing is freed in the background, and no buffer is left out of maxmemory's account.
        Line(text, "mem_not_counted_for_evict", 0);
        Line(text, "lazyfree_pending_objects", 0);
        Line(text, "lazyfreed_objects", 0);
        Line(text, "gc_heap_size_bytes", gc.HeapSizeBytes);
        Line(text, "gc_total_allocated_bytes", GC.GetTotalAllocatedBytes());
        Line(text, "gc_gen0_collections", GC.CollectionCount(0));
        Line(text, "gc_gen1_collections", GC.CollectionCount(1));
        Line(text, "gc_gen2_collections", GC.CollectionCount(2));
        Line(text, "gc_total_pause_ms", (long)GC.GetTotalPauseDuration().TotalMilliseconds);
        Line(text, "gc_pause_time_percentage", gc.PauseTimePercentage.ToString("F2", CultureInfo.InvariantCulture));
    }

    // As Redis 7.0 prints them: the eval Lua state, the functions' own state, and the bookkeeping outside both.
    private static void ScriptMemory(StringBuilder text, CacheServer server)
    {
        var eval = server.Scripts.UsedMemory;
        var functions = server.Functions.Engine.UsedMemory;
        var evalScripts = server.Scripts.OverheadBytes;
        var functionScripts = server.Functions.OverheadBytes;
        Line(text, "used_memory_lua", eval);
        Line(text, "used_memory_vm_eval", eval);
        Line(text, "used_memory_lua_human", BytesToHuman(eval));
        Line(text, "used_memory_scripts_eval", evalScripts);
        Line(text, "number_of_cached_scripts", server.Scripts.Count);
        Line(text, "number_of_functions", server.Functions.FunctionCount);
        Line(text, "number_of_libraries", server.Functions.LibraryCount);
        Line(text, "used_memory_vm_functions", functions);
        Line(text, "used_memory_vm_total", eval + functions);
        Line(text, "used_memory_vm_total_human", BytesToHuman(eval + functions));
        Line(text, "used_memory_functions", functionScripts);
        Line(text, "used_memory_scripts", evalScripts + functionScripts);
        Line(text, "used_memory_scripts_human", BytesToHuman(evalScripts + functionScripts));
    }

    private static void Persistence(StringBuilder text, ClientSession client)
    {
        // RDB snapshots only (no AOF); a BGSAVE is a task, not a forked child, so there is no copy-on-write to report.
        var persistence = client.Server.Persistence;
        Line(text, "loading", 0);
        Line(text, "async_loading", 0);
        Line(text, "rdb_changes_since_last_save", persistence.Dirty);
        Line(text, "rdb_bgsave_in_progress", persistence.BackgroundSaveInProgress ? 1 : 0);
        Line(text, "rdb_last_save_time", persistence.LastSaveSeconds);
        Line(text, "rdb_last_bgsave_status", persistence.LastBackgroundSaveOk ? "ok" : "err");
        Line(text, "rdb_last_bgsave_time_sec", persistence.LastSaveDurationSeconds);
        Line(text, "rdb_current_bgsave_time_sec", -1);
        Line(text, "rdb_saves", persistence.Saves);
        Line(text, "rdb_last_cow_size", 0);
        Line(text, "rdb_last_load_keys_expired", 0);
        Line(text, "rdb_last_load_keys_loaded", persistence.LastLoadedKeys);
        Line(text, "aof_enabled", 0);
        Line(text, "aof_rewrite_in_progress", 0);
        Line(text, "aof_rewrite_scheduled", 0);
        Line(text, "aof_last_bgrewrite_status", "ok");
        Line(text, "aof_last_write_status", "ok");
    }

    private static void Stats(StringBuilder text, ClientSession client)
    {
        var stats = client.Server.Stats;
        var keys = client.Keys;
        Line(text, "total_connections_received", stats.ConnectionsReceived);
        Line(text, "total_commands_processed", stats.CommandsProcessed);
        Line(text, "instantaneous_ops_per_sec", 0);
        Line(text, "total_net_input_bytes", stats.NetInputBytes);
        Line(text, "total_net_output_bytes", stats.NetOutputBytes);
        Line(text, "rejected_connections", stats.RejectedConnections);
        Line(text, "expired_keys", keys.ExpiredKeys);
        Line(text, "evicted_keys", keys.EvictedKeys);
        Line(text, "keyspace_hits", keys.Hits);
        Line(text, "keyspace_misses", keys.Misses);
        Line(text, "pubsub_channels", 0);
        Line(text, "pubsub_patterns", 0);
        Line(text, "protocol_errors", stats.ProtocolErrors);
        Line(text, "tracking_total_keys", client.Server.Tracking.KeyCount);
        Line(text, "tracking_total_items", client.Server.Tracking.ItemCount);
        Line(text, "tracking_total_prefixes", client.Server.Tracking.PrefixCount);
        Line(text, "total_error_replies", client.Server.ErrorStats.Total);
    }

    private static void Replication(StringBuilder text, ClientSession client)
    {
        // Replicas are the clients that sent SYNC or PSYNC (the replication stream), not cluster peers.
        var feed = client.Server.Feed;
        var role = client.Server.ReplicaRole;
        var now = client.Keys.NowMs;
        var offset = role.IsReplica ? role.Offset : feed.Offset;
        if (role.IsReplica)
        {
            Line(text, "role", "slave");
            Line(text, "master_host", role.MasterHost!);
            Line(text, "master_port", role.MasterPort);
            Line(text, "master_link_status", role.LinkUp ? "up" : "down");
            Line(text, "master_last_io_seconds_ago", role.LinkUp && role.LastIoMs != 0 ? (now - role.LastIoMs) / 1000 : -1);
            Line(text, "master_sync_in_progress", role.State == MasterLinkState.Transfer ? 1 : 0);
            Line(text, "slave_read_repl_offset", offset);
            Line(text, "slave_repl_offset", offset);
            if (role.State == MasterLinkState.Transfer)
            {
                var total = role.SyncTotalBytes;
                var read = role.SyncReadBytes;
                Line(text, "master_sync_total_bytes", total);
                Line(text, "master_sync_read_bytes", read);
                Line(text, "master_sync_left_bytes", total - read);
                Line(text, "master_sync_perc", (total > 0 ? read * 100.0 / total : 0).ToString("F2", CultureInfo.InvariantCulture));
                Line(text, "master_sync_last_io_seconds_ago", role.LastIoMs != 0 ? (now - role.LastIoMs) / 1000 : 0);
            }

            if (!role.LinkUp)
            {
                Line(text, "master_link_down_since_seconds", role.DownSinceMs != 0 ? (now - role.DownSinceMs) / 1000 : -1);
            }

            Line(text, "slave_priority", 100);
            Line(text, "slave_read_only", role.ReadOnly ? 1 : 0);
            Line(text, "replica_announced", 1);
        }
        else
        {
            Line(text, "role", "master");
        }

        Line(text, "connected_slaves", feed.Replicas.Count);
        if (!role.IsReplica && role.MinReplicasToWrite > 0 && role.MinReplicasMaxLag > 0)
        {
            Line(text, "min_slaves_good_slaves", role.GoodReplicas());
        }

        for (var i = 0; i < feed.Replicas.Count; i++)
        {
            var replica = feed.Replicas[i];
            var (ip, port) = replica.Endpoint();
            var lag = (now - replica.LastAckMs) / 1000;
            Line(text, "slave" + i.ToString(CultureInfo.InvariantCulture), $"ip={ip},port={port},state=online,offset={replica.AckOffset},lag={lag}");
        }

        Line(text, "master_failover_state", "no-failover");
        Line(text, "master_replid", client.Server.RunId);
        Line(text, "master_replid2", new string('0', 40));
        Line(text, "master_repl_offset", offset);
        Line(text, "second_repl_offset", -1);
        Line(text, "repl_backlog_active", 0);
    }

    private static void Cpu(StringBuilder text)
    {
        using var process = Process.GetCurrentProcess();
        Line(text, "used_cpu_sys", process.PrivilegedProcessorTime.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture));
        Line(text, "used_cpu_user", process.UserProcessorTime.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture));

        // The node forks no children (no RDB or AOF rewrite).
        Line(text, "used_cpu_sys_children", "0.000000");
        Line(text, "used_cpu_user_children", "0.000000");
    }

    private static void Keyspace(StringBuilder text, ClientSession client)
    {
        var keys = client.Keys;
        if (keys.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"db0:keys={keys.Count},expires={keys.VolatileCount},avg_ttl=0\r\n");
        }
    }

    private static string ArchitectureName() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "x86_64",
        Architecture.Arm64 => "aarch64",
        Architecture.X86 => "i686",
        var other => other.ToString().ToLowerInvariant(),
    };
}
