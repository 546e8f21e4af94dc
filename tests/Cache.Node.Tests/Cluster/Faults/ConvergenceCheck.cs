using System.Diagnostics;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster.Faults;

/// <summary>
/// After the heal: reads every key the writers touched from every node's own copy (READONLY; with
/// three nodes and three copies each node holds every slot) until every acknowledged write is on
/// every node and the shared keys agree, then judges the final state.
/// </summary>
internal static class ConvergenceCheck
{
    /// <summary>What each violation looked like, for the test's output.</summary>
    public static List<string> Diagnostics { get; } = [];

    public static async Task<FaultResult> JudgeAsync(NetworkLab lab, string fault, IReadOnlyList<FaultWriter> writers, int faulted, Stopwatch sinceHeal, TimeSpan bound)
    {
        var writes = writers.SelectMany(w => w.Writes).ToList();
        var acked = writes.Where(w => w.Outcome == WriteOutcome.Acked).ToList();
        var uniqueAcked = acked.Where(w => !w.Shared).ToDictionary(w => w.Key, w => w.Value);
        var refusedUnique = writes.Where(w => !w.Shared && w.Outcome == WriteOutcome.Refused).ToDictionary(w => w.Key, w => w.Value);
        var sharedKeys = writes.Where(w => w.Shared).Select(w => w.Key).Distinct().ToList();
        var keys = uniqueAcked.Keys.Concat(refusedUnique.Keys).Concat(sharedKeys).ToList();

        double? converged = null;
        List<Dictionary<string, string?>> views;
        while (true)
        {
            views = [];
            for (var node = 1; node <= lab.Nodes; node++)
            {
                views.Add(await ReadAllAsync(lab, node, keys));
            }

            var complete = uniqueAcked.All(kv => views.All(v => v[kv.Key] == kv.Value))
                && sharedKeys.All(k => views.All(v => v[k] == views[0][k]));
            if (complete)
            {
                converged = sinceHeal.Elapsed.TotalSeconds;
                break;
            }

            if (sinceHeal.Elapsed > bound)
            {
                break;
            }

            // Other processes converging: look again shortly, until the bound.
            await Task.Delay(250);
        }

        var byValue = writes.Where(w => w.Shared).ToDictionary(w => w.Value);
        // A write sent and refused while the fault was on is the quorum rule at work: it must never
        // land. One that straddled the fault's start or end may have reached its replicas and lost
        // only its acknowledgements: NOREPLICAS means "not guaranteed", not "not done".
        var refusedFinals = sharedKeys.Where(k =>
            views[0][k] is { } final && byValue.TryGetValue(final, out var winner) && winner.Outcome == WriteOutcome.Refused).ToList();
        var overwrittenKeys = refusedFinals.Where(k => byValue[views[0][k]!] is { Phase: FaultPhase.During, RepliedIn: FaultPhase.During } && acked.Any(a => a.Key == k)).ToList();
        var overwritten = overwrittenKeys.Count;
        foreach (var key in refusedFinals)
        {
            // Enough to tell which path let a refused write land.
            var winner = byValue[views[0][key]!];
            Diagnostics.Add($"{fault}: {key} ends as {winner.Value} ({winner.Phase} -> {winner.RepliedIn}: {winner.Reply}); acked: {string.Join(", ", acked.Where(a => a.Key == key).Select(a => $"{a.Value} ({a.Phase})"))}");
        }

        var majority = writers.Where(w => w.Node != faulted).SelectMany(w => w.Writes).Where(w => w.Phase == FaultPhase.During).ToList();
        var minority = writers.Where(w => w.Node == faulted).SelectMany(w => w.Writes).Where(w => w.Phase == FaultPhase.During).ToList();
        return new FaultResult(
            fault,
            writes.Count,
            acked.Count,
            majority.Count(w => w.Outcome == WriteOutcome.Acked && w.RepliedIn == FaultPhase.During),
            majority.Count,
            minority.Count(w => w.Outcome == WriteOutcome.Acked && w.RepliedIn == FaultPhase.During),
            minority.Count,
            uniqueAcked.Count(kv => views.Any(v => v[kv.Key] != kv.Value)),
            overwritten,
            refusedUnique.Count(kv => views.Any(v => v[kv.Key] == kv.Value)) + refusedFinals.Count,
            writers.Sum(w => w.StaleReads),
            converged);
    }

    /// <summary>Every key's value in <paramref name="node"/>'s own copy (null: missing), pipelined in chunks.</summary>
    private static async Task<Dictionary<string, string?>> ReadAllAsync(NetworkLab lab, int node, List<string> keys)
    {
        var values = new Dictionary<string, string?>(keys.Count);
        await using var client = RespTestClient.Over(await lab.ConnectFromClientAsync(NetworkLab.ClientSideAddress(node), 6379));
        await client.CallAsync("READONLY");
        foreach (var chunk in keys.Chunk(500))
        {
            await client.SendRawAsync(chunk.SelectMany(k => RespTestClient.Encode("GET", k)).ToArray());
            foreach (var key in chunk)
            {
                var reply = await client.ReadReplyAsync();
                values[key] = reply.StartsWith('$') && !reply.StartsWith("$-1", StringComparison.Ordinal) ? reply[(reply.IndexOf('\n') + 1)..^2] : null;
            }
        }

        return values;
    }
}
