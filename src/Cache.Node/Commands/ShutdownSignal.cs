using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cache.Node.Commands;

/// <summary>
/// How SHUTDOWN reaches the node's host: the command sets it once, and the host (NodeHost) stops
/// that node, with the graceful leave and hand-off of any stop, and ends the process when it is
/// the process' only node. A test host in a test process stops alone.
/// </summary>
internal sealed class ShutdownSignal
{
    private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a client asked for SHUTDOWN.</summary>
    public Task Requested => _requested.Task;

    /// <summary>True once a SHUTDOWN was accepted.</summary>
    public bool IsRequested => _requested.Task.IsCompleted;

    /// <summary>Where SHUTDOWN says why it could not save (the host sets the node's logger).</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Asks the host to stop the node; later calls change nothing.</summary>
    public void Request() => _requested.TrySetResult();
}
