using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB SSUBSCRIBE SUNSUBSCRIBE SPUBLISH,
/// as Redis 7.0. PUBLISH reaches every node of the cluster (one GOSSIPCACHE PUBLISH per peer,
/// see <see cref="PubSubFanOut"/>); SPUBLISH runs on the channel's slot's primary, and PUBSUB
/// answers for this node only, as in Redis Cluster.
/// </summary>
internal static class PubSubCommands
{
    private const string Group = "pubsub";
    private const CommandFlags Subscribing = CommandFlags.PubSub | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale;
    private const CommandFlags Publishing = CommandFlags.PubSub | CommandFlags.Loading | CommandFlags.Stale | CommandFlags.Fast | CommandFlags.MayReplicate;
    private const CommandFlags Introspection = CommandFlags.PubSub | CommandFlags.Loading | CommandFlags.Stale;

    private static readonly string[] Help =
    [
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
    ];

    public static void Register(CommandTable table)
    {
        var shardChannels = CommandKeys.Of(KeySpec.ToEnd(1, KeySpecFlags.NotKey));
        table.Add(new("subscribe", -2, Subscribing, (c, in r) => SubscribeEach(c, r, PubSubKind.Channel), Group, "Listens for messages published to channels.") { Since = "2.0.0", Acl = AclCategories.PubSub | AclCategories.Slow });
        table.Add(new("unsubscribe", -1, Subscribing, (c, in r) => UnsubscribeEach(c, r, PubSubKind.Channel), Group, "Stops listening to messages posted to channels.") { Since = "2.0.0", Acl = AclCategories.PubSub | AclCategories.Slow });
        table.Add(new("psubscribe", -2, Subscribing, (c, in r) => SubscribeEach(c, r, PubSubKind.Pattern), Group, "Listens for messages published to channels that match one or more patterns.") { Since = "2.0.0", Acl = AclCategories.PubSub | AclCategories.Slow });
        table.Add(new("punsubscribe", -1, Subscribing, (c, in r) => UnsubscribeEach(c, r, PubSubKind.Pattern), Group, "Stops listening to messages published to channels that match one or more patterns.") { Since = "2.0.0", Acl = AclCategories.PubSub | AclCategories.Slow });
        table.Add(new("ssubscribe", -2, Subscribing, SubscribeShard, Group, "Listens for messages published to shard channels.") { Since = "7.0.0", Acl = AclCategories.PubSub | AclCategories.Slow, Keys = shardChannels });
        table.Add(new("sunsubscribe", -1, Subscribing, (c, in r) => UnsubscribeEach(c, r, PubSubKind.Shard), Group, "Stops listening to messages posted to shard channels.") { Since = "7.0.0", Acl = AclCategories.PubSub | AclCategories.Slow, Keys = shardChannels });
        table.Add(new("publish", 3, Publishing, Publish, Group, "Posts a message to a channel.") { Since = "2.0.0", Acl = AclCategories.PubSub | AclCategories.Fast });
        table.Add(new("spublish", 3, Publishing, PublishShard, Group, "Post a message to a shard channel") { Since = "7.0.0", Acl = AclCategories.PubSub | AclCategories.Fast, Keys = CommandKeys.Of(KeySpec.At(1, KeySpecFlags.NotKey)) });
        table.Add(new CommandDefinition("pubsub", -2, CommandFlags.None, null, Group, "A container for Pub/Sub commands.") { Since = "2.8.0" }
            .AddSubCommand(new("channels", -2, Introspection, (c, in r) => Channels(c, r, PubSubKind.Channel), Group, "Returns the active channels.") { Since = "2.8.0", Acl = AclCategories.PubSub | AclCategories.Slow })
            .AddSubCommand(new("numsub", -2, Introspection, (c, in r) => NumSub(c, r, PubSubKind.Channel), Group, "Returns a count of subscribers to channels.") { Since = "2.8.0", Acl = AclCategories.PubSub | AclCategories.Slow })
            .AddSubCommand(new("numpat", 2, Introspection, NumPat, Group, "Returns a count of unique pattern subscriptions.") { Since = "2.8.0", Acl = AclCategories.PubSub | AclCategories.Slow })
            .AddSubCommand(new("shardchannels", -2, Introspection, (c, in r) => Channels(c, r, PubSubKind.Shard), Group, "Returns the active shard channels.") { Since = "7.0.0", Acl = AclCategories.PubSub | AclCategories.Slow })
            .AddSubCommand(new("shardnumsub", -2, Introspection, (c, in r) => NumSub(c, r, PubSubKind.Shard), Group, "Returns the count of subscribers of shard channels.") { Since = "7.0.0", Acl = AclCategories.PubSub | AclCategories.Slow })
            .AddSubCommand(new("help", 2, CommandFlags.Loading | CommandFlags.Stale, (c, in r) => HelpReply.Write(c, "PUBSUB", Help), Group, "Returns helpful text about the different subcommands.") { Since = "6.2.0", Acl = AclCategories.Slow }));
    }

    private static void SubscribeEach(ClientSession client, in RespRequest request, PubSubKind kind)
    {
        for (var i = 1; i < request.Count; i++)
        {
            client.Subscribe(kind, request[i]);
        }
    }

    private static void SubscribeShard(ClientSession client, in RespRequest request)
    {
        SubscribeEach(client, request, PubSubKind.Shard);
    }

    private static void UnsubscribeEach(ClientSession client, in RespRequest request, PubSubKind kind)
    {
        if (request.Count == 1)
        {
            client.UnsubscribeAll(kind);
            return;
        }

        for (var i = 1; i < request.Count; i++)
        {
            client.Unsubscribe(kind, request[i]);
        }
    }

    private static void Publish(ClientSession client, in RespRequest request)
    {
        var receivers = client.Server.PubSub.Publish(request[1], request[2]);
        client.Server.FanOut.Send(PubSubFanOut.Publish, request[1], request[2]);
        // As Redis: a publish reaches replicas (their subscribers) through the replication stream.
        client.Feed.Force();
        // A RESP3 client subscribed to its own channel gets the message before the reply, as from Redis.
        client.WritePendingPushes();
        client.Reply.Integer(receivers);
    }

    private static void PublishShard(ClientSession client, in RespRequest request)
    {
        var receivers = client.Server.PubSub.PublishShard(request[1], request[2]);
        client.Server.FanOut.Send(PubSubFanOut.PublishShard, request[1], request[2]);
        client.Feed.Force();
        client.WritePendingPushes();
        client.Reply.Integer(receivers);
    }

    private static void Channels(ClientSession client, in RespRequest request, PubSubKind kind)
    {
        if (request.Count > 3)
        {
            client.Reply.Error($"ERR unknown subcommand or wrong number of arguments for '{Args.Text(request[1])}'. Try PUBSUB HELP.");
            return;
        }

        var names = client.Server.PubSub.Names(kind, request.Count == 3 ? request[2] : default, all: request.Count == 2);
        client.Reply.ArrayHeader(names.Count);
        foreach (var name in names)
        {
            client.Reply.Bulk(name);
        }
    }

    private static void NumSub(ClientSession client, in RespRequest request, PubSubKind kind)
    {
        // A flat array of name, count pairs, in RESP3 too (as Redis 7.0).
        client.Reply.ArrayHeader((request.Count - 2) * 2);
        for (var i = 2; i < request.Count; i++)
        {
            client.Reply.Bulk(request[i]);
            client.Reply.Integer(client.Server.PubSub.CountOf(kind, request[i]));
        }
    }

    private static void NumPat(ClientSession client, in RespRequest request) => client.Reply.Integer(client.Server.PubSub.PatternCount);
}
