using System.Buffers;
using System.Text;
using Cache.Node.Resp;
using static Cache.Node.Scripting.LuaNative;

namespace Cache.Node.Commands;

/// <summary>Running one script: KEYS and ARGV, the call with the error handler, the reply, and the state other threads read.</summary>
internal sealed unsafe partial class ScriptEngine
{
    private const int ErrMem = 4;
    private const int GcPeriod = 50;
    private const int LoadTimeoutMs = 500;

    // The callbacks find the engine of the script running on their thread.
    [ThreadStatic]
    private static ScriptEngine? t_running;

    private readonly ArrayBufferWriter<byte> _reply = new(256);
    private byte[] _args = new byte[256];
    private ArgRange[] _ranges = new ArgRange[16];
    private ClientSession? _session;
    private bool _readOnly;
    private bool _allowOom;
    private bool _allowCrossSlot;
    private bool _oomAtStart;
    private bool _wrote;
    private bool _read;
    private int _resp;
    private int _slot;
    private bool? _clustered;
    private long _started;
    private volatile bool _running;
    private volatile bool _busy;
    private volatile bool _killRequested;
    private bool _hookTripped;
    private bool _loading;
    private volatile string? _runningName;

    /// <summary>True while a script runs past the busy threshold: other clients get BUSY.</summary>
    public bool IsBusy => _busy;

    /// <summary>SCRIPT KILL, from any thread.</summary>
    public ScriptKill Kill()
    {
        if (!_running || !_busy)
        {
            return ScriptKill.NotBusy;
        }

        if (_wrote)
        {
            return ScriptKill.Unkillable;
        }

        _killRequested = true;
        return ScriptKill.Killed;
    }

    /// <summary>
    /// Runs <paramref name="script"/> for <paramref name="session"/> with the keys and arguments
    /// of an EVAL-shaped request (name, script, numkeys, keys..., args...), writing its reply.
    /// </summary>
    public void Run(ClientSession session, Script script, in RespRequest request, int numKeys, bool readOnlyCommand) =>
        Run(session, script.Reference, script.Flags, script.Sha, request, numKeys, readOnlyCommand, function: false);

    /// <summary>Runs a function (FCALL): KEYS and ARGV are its arguments rather than globals.</summary>
    public void Run(ClientSession session, ScriptFunction function, in RespRequest request, int numKeys, bool readOnlyCommand) =>
        Run(session, function.Reference, function.Flags, function.Name, request, numKeys, readOnlyCommand, function: true);

    private void Run(ClientSession session, int reference, ScriptFlags flags, string name, in RespRequest request, int numKeys, bool readOnlyCommand, bool function)
    {
        var compat = (flags & ScriptFlags.Compat) != 0;
        var oom = session.Keys.MaxMemory != 0 && !session.Keys.EnsureMemory();
        if (!compat && (flags & ScriptFlags.NoWrites) == 0)
        {
            if (readOnlyCommand)
            {
                session.Reply.Error("ERR Can not execute a script with write flag using *_ro command."u8);
                return;
            }

            if (oom && (flags & ScriptFlags.AllowOom) == 0)
            {
                session.Reply.Error("OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'"u8);
                return;
            }

            // As Redis: a script that may write is refused up front, as a write command would be.
            var role = session.Server.ReplicaRole;
            if (role.MinReplicasToWrite > 0 && !role.EnoughGoodReplicas())
            {
                session.Reply.Error("NOREPLICAS Not enough good replicas to write."u8);
                return;
            }
        }

        if (!compat && (flags & ScriptFlags.NoCluster) != 0 && session.Server.Cluster is { } cluster && cluster.Ring.Nodes.Count > 1)
        {
            session.Reply.Error("ERR Can not run script on cluster, 'no-cluster' flag is set."u8);
            return;
        }

        var state = _state;
        var memory = _memory!;
        _session = session;
        _readOnly = readOnlyCommand || (!compat && (flags & ScriptFlags.NoWrites) != 0);
        _allowOom = !compat && (flags & ScriptFlags.AllowOom) != 0;
        _allowCrossSlot = compat || (flags & ScriptFlags.AllowCrossSlot) != 0;
        _oomAtStart = oom;
        _wrote = false;
        _read = false;
        _resp = 2;
        _slot = -1;
        _clustered = null;
        _started = _time.GetTimestamp();
        t_running = this;
        try
        {
            SetTop(state, 0);
            RawGetI(state, RegistryIndex, _handler);
            RawGetI(state, RegistryIndex, reference);
            if (!function)
            {
                PushBytes(state, "KEYS"u8);
                PushArguments(state, request, 3, numKeys);
                RawSet(state, GlobalsIndex);
                PushBytes(state, "ARGV"u8);
                PushArguments(state, request, 3 + numKeys, request.Count - 3 - numKeys);
                RawSet(state, GlobalsIndex);
            }
            else
            {
                PushArguments(state, request, 3, numKeys);
                PushArguments(state, request, 3 + numKeys, request.Count - 3 - numKeys);
            }

            if (function)
            {
                _caller.Capture(request);
                _runningName = name;
            }

            _running = true;
            memory.Unbounded = false;
            var status = PCall(state, function ? 2 : 0, 1, 1);
            memory.Unbounded = true;
            _running = false;
            if (status == 0)
            {
                WriteValue(session.Reply, 0);
            }
            else
            {
                WriteError(session.Reply, name, status);
            }

            AfterRun(state, status);
            if (_read && (session.TrackingMode & (TrackingModes.On | TrackingModes.Broadcast)) == TrackingModes.On)
            {
                // As Redis: a script that ran a read-only command has its declared keys tracked for its caller.
                session.Server.Tracking.RememberRange(session, request, 3, numKeys);
            }
        }
        finally
        {
            memory.Unbounded = true;
            _running = false;
            _busy = false;
            _killRequested = false;
            _runningName = null;
            _session = null;
            t_running = null;
        }
    }

    private void AfterRun(nint state, int status)
    {
        SetTop(state, 0);
        if (_hookTripped)
        {
            // A killed script left the hook firing on every line: back to the count hook.
            _hookTripped = false;
            RawGetI(state, RegistryIndex, _arm);
            PCall(state, 0, 0, 0);
        }

        RawGetI(state, RegistryIndex, _sweep);
        PCall(state, 0, 0, 0);
        SetTop(state, 0);
        if (status == ErrMem)
        {
            Gc(state, GcCollect, 0);
        }
        else if (++_runs % GcPeriod == 0)
        {
            // As Redis: a small GC step every few scripts, so a full cycle never lands on one of them.
            Gc(state, GcStep, GcPeriod);
        }

        if (_reply.Capacity > 1024 * 1024)
        {
            _reply.Clear();
        }
    }

    private static void PushArguments(nint state, in RespRequest request, int first, int count)
    {
        CreateTable(state, count, 0);
        for (var i = 0; i < count; i++)
        {
            PushBytes(state, request[first + i]);
            RawSetI(state, -2, i + 1);
        }
    }

    /// <summary>The count hook's check: enters the busy state past the threshold; the error to stop with, or empty to go on.</summary>
    private ReadOnlySpan<byte> Tick()
    {
        var elapsed = _time.GetElapsedTime(_started).TotalMilliseconds;
        if (_loading)
        {
            // As Redis: a library's code only registers functions, so loading it is bounded.
            if (!_loadTimeout || elapsed <= LoadTimeoutMs)
            {
                return default;
            }

            _hookTripped = true;
            return "ERR FUNCTION LOAD timeout"u8;
        }

        if (!_busy && BusyThresholdMs > 0 && elapsed >= BusyThresholdMs)
        {
            _busy = true;
        }

        if (_killRequested)
        {
            _hookTripped = true;
            return "ERR Script killed by user with SCRIPT KILL..."u8;
        }

        return default;
    }

    private void WriteError(ReplyWriter reply, string name, int status)
    {
        var state = _state;
        if (Type(state, -1) != TypeTable)
        {
            var text = status == ErrMem ? "not enough memory"u8 : ToBytes(state, -1);
            var message = Encoding.UTF8.GetString(text[..Math.Min(text.Length, 100)]);
            reply.Error("ERR Error running script " + name + ", " + message);
            return;
        }

        var builder = new StringBuilder();
        RawGetField(state, -1, "err\0"u8);
        builder.Append(Type(state, -1) is TypeString or TypeNumber ? Encoding.UTF8.GetString(ToBytes(state, -1)) : "ERR unknown error");
        RawGetField(state, -2, "source\0"u8);
        RawGetField(state, -3, "line\0"u8);
        if (Type(state, -2) is TypeString or TypeNumber && Type(state, -1) is TypeString or TypeNumber)
        {
            builder.Append(" script: ").Append(name).Append(", on ")
                .Append(Encoding.UTF8.GetString(ToBytes(state, -2))).Append(':')
                .Append(Encoding.UTF8.GetString(ToBytes(state, -1))).Append('.');
        }

        reply.Error(builder.ToString());
    }
}
