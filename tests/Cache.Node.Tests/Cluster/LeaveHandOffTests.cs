using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>A node that leaves gracefully hands its slots to their next owners first.</summary>
public sealed class LeaveHandOffTests
{
    [Fact]
    public async Task With_one_copy_per_key_a_graceful_leave_loses_nothing()
    {
        await using var stays = await TestNode.StartAsync(o => o.Replicas = 1);
        var leaves = await TestNode.StartAsync(o => { o.Replicas = 1; o.Join = stays.Server.Cluster!.Gossip.Address; });
        try
        {
            await MembershipWait.RingAsync(stays.Server.Cluster!, 2, TimeSpan.FromSeconds(20));
            await MembershipWait.RingAsync(leaves.Server.Cluster!, 2, TimeSpan.FromSeconds(20));
            await using (var client = await stays.ConnectAsync())
            {
                for (var i = 0; i < 300; i++)
                {
                    Assert.Equal("+OK\r\n", await client.CallAsync("SET", $"leaving:{i}", $"{i}"));
                }
            }

            Assert.InRange(leaves.Server.Keys.Count, 1, 299);
        }
        finally
        {
            await leaves.DisposeAsync();
        }

        await MembershipWait.RingAsync(stays.Server.Cluster!, 1, TimeSpan.FromSeconds(20));
        // The links used to forward to the node that left are closed with its departure.
        Assert.Equal(0, stays.Server.Peers!.Count);
        await using var reader = await stays.ConnectAsync();
        for (var i = 0; i < 300; i++)
        {
            var value = $"{i}";
            Assert.Equal($"${value.Length}\r\n{value}\r\n", await reader.CallAsync("GET", $"leaving:{i}"));
        }
    }
}
