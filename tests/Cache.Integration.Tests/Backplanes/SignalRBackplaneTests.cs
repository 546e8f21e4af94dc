using System.Threading.Channels;
using Cache.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Cache.Integration.Tests.Backplanes;

/// <summary>SignalR's Redis backplane (Microsoft.AspNetCore.SignalR.StackExchangeRedis) between two app instances.</summary>
public sealed class SignalRBackplaneTests(NodesFixture nodes) : IClassFixture<NodesFixture>
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData("node")]
    [InlineData("cluster")]
    public async Task A_broadcast_on_instance_a_reaches_clients_of_instance_b(string topology)
    {
        var prefix = $"sr-{topology}-{Guid.NewGuid():N}";
        await using var a = await SignalRApp.StartAsync(nodes.Of(topology), prefix);
        await using var b = await SignalRApp.StartAsync(nodes.Of(topology), prefix);
        await using var sender = await a.ConnectAsync();
        await using var receiver = await b.ConnectAsync();
        var received = Channel.CreateUnbounded<string>();
        receiver.On<string>("message", m => received.Writer.TryWrite(m));

        // Each instance subscribes to the hub's "all" channel once its first client connects.
        await using var redis = await Redis.ConnectAsync(nodes.Of(topology));
        await Wait.UntilAsync(async () => await Redis.SubscribersAsync(redis, $"{prefix}*:all") == 2, "both instances on the all channel");

        await sender.InvokeAsync("Broadcast", "hello from a");
        Assert.Equal("hello from a", await received.Reader.ReadAsync().AsTask().WaitAsync(Delivery));

        // Messages to one connection and to a group travel on their own channels.
        await sender.InvokeAsync("Whisper", receiver.ConnectionId, "just for you");
        Assert.Equal("just for you", await received.Reader.ReadAsync().AsTask().WaitAsync(Delivery));

        await receiver.InvokeAsync("Join", "room");
        await sender.InvokeAsync("ToGroup", "room", "to the room");
        Assert.Equal("to the room", await received.Reader.ReadAsync().AsTask().WaitAsync(Delivery));
    }
}
