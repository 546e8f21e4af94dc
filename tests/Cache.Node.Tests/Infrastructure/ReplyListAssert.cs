using System.Text;

namespace Cache.Node.Tests.Infrastructure;

/// <summary>Compares two servers' lists of replies and reports every difference in full, one line each.</summary>
public static class ReplyListAssert
{
    public static void Same(IReadOnlyList<string> redis, IReadOnlyList<string> ours)
    {
        var report = new StringBuilder();
        for (var i = 0; i < Math.Max(redis.Count, ours.Count); i++)
        {
            var theirs = i < redis.Count ? redis[i] : "(none)";
            var mine = i < ours.Count ? ours[i] : "(none)";
            if (theirs != mine)
            {
                report.Append('#').Append(i).AppendLine()
                    .Append("  redis: ").AppendLine(Show(theirs))
                    .Append("  ours:  ").AppendLine(Show(mine));
            }
        }

        Assert.True(report.Length == 0, "Replies differ from redis-server:\n" + report);
    }

    private static string Show(string reply) => reply.Replace("\r\n", " ", StringComparison.Ordinal);
}
