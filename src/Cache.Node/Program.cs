using Cache.Node.Configuration;
using Cache.Node.Hosting;
using Microsoft.Extensions.Configuration;

if (!CommandLine.TryParse(args, out var switches, out var argumentError, out var help))
{
    Console.Error.WriteLine($"Cache.Node: {argumentError}");
    return 1;
}

if (help)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

var options = new NodeOptions();
try
{
    new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables("GOSSIPCACHE_")
        .AddInMemoryCollection(switches)
        .Build()
        .Bind(options);
}
catch (InvalidOperationException ex)
{
    Console.Error.WriteLine($"Cache.Node: {CommandLine.DescribeBindError(ex.Message)}");
    return 1;
}

if (NodeOptionsValidator.Validate(options) is { } invalid)
{
    Console.Error.WriteLine($"Cache.Node: {invalid}");
    return 1;
}

if (options.LocalCluster > 0)
{
    return await LocalCluster.RunAsync(options);
}

NodeHost node;
try
{
    node = await NodeHost.StartAsync(options);
}
catch (IOException ex)
{
    Console.Error.WriteLine($"Cache.Node: {ex.Message}");
    return 1;
}

await using (node)
{
    Console.WriteLine($"GossipCache node '{node.Name}' ready to accept connections on {options.Bind}:{node.Port} (redis-cli -p {node.Port}); gossip on {node.Server.Cluster?.Gossip.Address}");
    await node.WaitForShutdownAsync();
    Console.WriteLine($"GossipCache node '{node.Name}' shutting down");
}

return 0;
