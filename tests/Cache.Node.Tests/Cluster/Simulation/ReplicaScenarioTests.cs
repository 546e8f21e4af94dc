using System.Text;
using Cache.Gossip.Ring;
using static Cache.Node.Tests.Cluster.Simulation.HistoryStep;

namespace Cache.Node.Tests.Cluster.Simulation;

/// <summary>
/// Named histories for the simulation's checks (<see cref="ReplicaConvergenceProperties.RunHistory"/>):
/// the cases issue 6 names, and ones random histories reach only rarely.
/// </summary>
public sealed class ReplicaScenarioTests
{
    [Fact]
    public void A_paused_node_catches_up_on_writes_deletes_and_expiries_it_missed()
    {
        HistoryStep[] history =
        [
            new Write(1, 1, 0, 0), new Write(2, 2, 0, 0), new Write(3, 3, 0, 0), new Wait(100),
            new Pause(1),
            new Write(1, 10, 0, 0), new Delete(2, 0), new Expire(3, 500, 0), new Write(4, 4, 0, 0), new Wait(8000),
            new Resume(1), new Wait(100),
        ];
        ReplicaConvergenceProperties.RunHistory(history, seed: 1);
    }

    [Fact]
    public void A_node_restarted_empty_is_refilled()
    {
        HistoryStep[] history = [.. Enumerable.Range(0, Keys).Select(k => new Write(k, k, 0, k)), new Wait(100), new RestartEmpty(2), new Wait(100)];
        ReplicaConvergenceProperties.RunHistory(history, seed: 2);
    }

    [Fact]
    public void Writes_on_both_sides_of_a_partition_merge_by_version_after_the_heal()
    {
        HistoryStep[] history =
        [
            new Write(0, 1, 0, 0), new Wait(50), new Partition(0b00011),
            new Write(0, 2, 0, 0), new Write(0, 3, 0, 2), new Delete(5, 1), new Write(5, 4, 0, 2), new Wait(3000),
            new Heal(), new Wait(100),
        ];
        ReplicaConvergenceProperties.RunHistory(history, seed: 3);
    }

    [Fact]
    public void The_only_copy_on_a_node_that_lost_the_slot_during_a_partition_reaches_the_new_owners_after_the_heal()
    {
        // A key that some node owns among n0..n3 but not once n4 has joined.
        var before = SlotMap.Build(Enumerable.Range(0, FirstMembers).Select(i => new RingNode($"n{i}")), ReplicaSimulation.Replicas);
        var after = SlotMap.Build(Enumerable.Range(0, FirstMembers + 1).Select(i => new RingNode($"n{i}")), ReplicaSimulation.Replicas);
        var (key, node, via) = Enumerable.Range(0, Keys).SelectMany(k =>
        {
            var slot = HashSlot.ForKey(Encoding.ASCII.GetBytes(KeyName(k)));
            var owners = before.OwnerIndices(slot).ToArray().Select(i => before.Nodes[i].Id).ToList();
            var ownersAfter = after.OwnerIndices(slot).ToArray().Select(i => after.Nodes[i].Id).ToList();
            return owners.Where(o => !ownersAfter.Contains(o)).Select(o => (k, int.Parse(o[1..], System.Globalization.CultureInfo.InvariantCulture), owners.IndexOf(o)));
        }).First();

        HistoryStep[] history =
        [
            // Cut off alone, the node takes a write its replicas never get, then loses the slot to n4;
            // the partition outlasts every first attempt to hand the copy on.
            new Partition(1 << node), new Write(key, 7, 0, via), new Wait(10), new Join(FirstMembers), new Wait(15_000),
            new Heal(), new Wait(10),
        ];
        ReplicaConvergenceProperties.RunHistory(history, seed: 4);
    }

    [Fact]
    public void Writes_survive_two_owners_dying_while_a_node_joins()
    {
        // Found by the property test (seed 25091) when hand-off planned its pushes before its own
        // pulls had run; kept as a regression case.
        HistoryStep[] history =
        [
            new Write(3, 618, 0, 0), new Write(7, 525, 2531, 2), new Write(1, 882, 0, 3), new Write(0, 734, 0, 1),
            new Write(4, 351, 0, 5), new Write(0, 194, 0, 3), new Write(5, 604, 0, 4), new Kill(3), new Kill(2), new Join(4),
        ];
        ReplicaConvergenceProperties.RunHistory(history, seed: 25091);
    }
}
