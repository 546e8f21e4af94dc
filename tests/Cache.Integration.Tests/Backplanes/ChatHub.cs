using Microsoft.AspNetCore.SignalR;

namespace Cache.Integration.Tests.Backplanes;

/// <summary>A hub whose broadcast must cross app instances through the Redis backplane.</summary>
public sealed class ChatHub : Hub
{
    public Task Broadcast(string message) => Clients.All.SendAsync("message", message);

    public Task Whisper(string connectionId, string message) => Clients.Client(connectionId).SendAsync("message", message);

    public Task Join(string group) => Groups.AddToGroupAsync(Context.ConnectionId, group);

    public Task ToGroup(string group, string message) => Clients.Group(group).SendAsync("message", message);
}
