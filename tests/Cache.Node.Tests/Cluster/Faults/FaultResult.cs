using System.Globalization;

namespace Cache.Node.Tests.Cluster.Faults;

/// <summary>
/// One fault's measurements, a row of docs/reliability.md's table. "Faulted" is the writer through
/// the node the fault hits (node 3); "majority" the writer through node 1.
/// </summary>
internal sealed record FaultResult(
    string Fault,
    int Sent,
    int Acked,
    int MajorityAckedDuring,
    int MajoritySentDuring,
    int FaultedAckedDuring,
    int FaultedSentDuring,
    int Lost,
    int OverwrittenByRefused,
    int RefusedSurvived,
    int StaleReads,
    double? ConvergedSeconds)
{
    public static string Header =>
        "| fault | sent | acked | via node 1: acked during the fault / sent | via node 3: acked during the fault / sent | acked lost | acked overwritten by a write sent and refused during the fault | refused writes that landed anyway | stale reads (writer) | converged after heal |\n" +
        "|---|---|---|---|---|---|---|---|---|---|";

    public string Row => string.Create(CultureInfo.InvariantCulture,
        $"| {Fault} | {Sent} | {Acked} | {MajorityAckedDuring}/{MajoritySentDuring} | {FaultedAckedDuring}/{FaultedSentDuring} | {Lost} | {OverwrittenByRefused} | {RefusedSurvived} | {StaleReads} | {(ConvergedSeconds is { } s ? $"{s:0.0} s" : "not within the bound")} |");
}
