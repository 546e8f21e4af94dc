using System.Security.Cryptography;
using System.Text;
using Cache.Node.Scripting;
using static Cache.Node.Scripting.LuaNative;

namespace Cache.Node.Commands;

/// <summary>
/// The node's Lua 5.1 engine: one Lua state (created on first use), the script cache by SHA1,
/// and the script being run. Scripts run under the key-space lock like any command, so one runs
/// at a time and nothing else touches the store meanwhile; only <see cref="Kill"/> and
/// <see cref="IsBusy"/> are read from other threads.
/// </summary>
internal sealed unsafe partial class ScriptEngine
{
    /// <summary>The bound on the Lua state's memory: past it the script ends with "not enough memory".</summary>
    public const long DefaultMemoryLimit = 256L * 1024 * 1024;

    // Redis 7.0 never evicts EVAL scripts; a bound keeps a client that generates scripts from growing the cache forever.
    private const int MaxScripts = 10_000;

    // A cache entry: its 40-character key, the Script object and the queue slot.
    private const int ScriptEntryBytes = 200;

    private readonly Dictionary<string, Script> _scripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Script>.AlternateLookup<ReadOnlySpan<char>> _bySha;
    private readonly Queue<string> _order = new();
    private readonly TimeProvider _time;
    private nint _state;
    private LuaMemory? _memory;
    private int _handler;
    private int _arm;
    private int _sweep;
    private int _env;
    private int _beginLoad;
    private int _endLoad;
    private int _runs;

    public ScriptEngine(TimeProvider time)
    {
        _time = time;
        _bySha = _scripts.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>busy-reply-threshold (lua-time-limit), in milliseconds; 0 turns the busy state off.</summary>
    public long BusyThresholdMs { get; set; } = 5000;

    public long MemoryLimit { get; set; } = DefaultMemoryLimit;

    public int Count => _scripts.Count;

    /// <summary>An estimate of the script cache's bytes outside the Lua state (INFO's used_memory_scripts_eval): the SHA1 keys and entries.</summary>
    public long OverheadBytes => _scripts.Count * ScriptEntryBytes;

    /// <summary>The session whose script runs now, or null (its redis.call commands are not its own reads for tracking).</summary>
    public ClientSession? RunningSession => _session;

    /// <summary>Bytes the Lua state holds (INFO's used_memory_lua).</summary>
    public long UsedMemory => _memory?.Used ?? 0;

    /// <summary>The script of <paramref name="sha"/> (40 hex digits, any case), or null.</summary>
    public Script? Find(ReadOnlySpan<byte> sha)
    {
        if (sha.Length != 40)
        {
            return null;
        }

        Span<char> key = stackalloc char[40];
        for (var i = 0; i < 40; i++)
        {
            key[i] = (char)(sha[i] is >= (byte)'A' and <= (byte)'Z' ? sha[i] + 32 : sha[i]);
        }

        return _bySha.TryGetValue(key, out var script) ? script : null;
    }

    /// <summary>The cached script of this body, compiling it first if needed; null with <paramref name="error"/> set when it does not compile.</summary>
    public Script? GetOrCompile(ReadOnlySpan<byte> body, out string? error)
    {
        Span<byte> digest = stackalloc byte[20];
        SHA1.HashData(body, digest);
        Span<char> hex = stackalloc char[40];
        Convert.TryToHexStringLower(digest, hex, out _);
        if (_bySha.TryGetValue(hex, out var cached))
        {
            error = null;
            return cached;
        }

        error = ScriptShebang.TryRead(body, out var flags, out var shebang) ?? EnsureState();
        if (error is not null)
        {
            return null;
        }

        var code = body[shebang..];
        int status;
        fixed (byte* p = code)
        fixed (byte* name = "@user_script\0"u8)
        {
            status = LoadBuffer(_state, p, (nuint)code.Length, name);
        }

        if (status != 0)
        {
            error = "ERR Error compiling script (new function): " + Encoding.UTF8.GetString(ToBytes(_state, -1));
            SetTop(_state, 0);
            return null;
        }

        RawGetI(_state, RegistryIndex, _env);
        SetFEnv(_state, -2);
        var script = new Script(new string(hex), Ref(_state, RegistryIndex), flags);
        if (_scripts.Count >= MaxScripts && _order.TryDequeue(out var oldest) && _scripts.Remove(oldest, out var evicted))
        {
            Unref(_state, RegistryIndex, evicted.Reference);
        }

        _scripts[script.Sha] = script;
        _order.Enqueue(script.Sha);
        return script;
    }

    /// <summary>SCRIPT FLUSH: forgets every script and starts a fresh Lua state (as Redis' scriptingReset).</summary>
    public void Flush()
    {
        _scripts.Clear();
        _order.Clear();
        if (_state != 0)
        {
            Close(_state);
            _state = 0;
            _memory!.Dispose();
            _memory = null;
        }
    }

    /// <summary>Creates the Lua state on first use; null when ready, else the error to reply.</summary>
    private string? EnsureState()
    {
        if (_state != 0)
        {
            return null;
        }

        if (LoadError is { } missing)
        {
            return "ERR " + missing;
        }

        _memory = new LuaMemory(MemoryLimit) { Unbounded = true };
        _state = NewState(LuaMemory.Allocator, _memory.State);
        if (_state == 0)
        {
            _memory.Dispose();
            _memory = null;
            return "ERR Lua could not allocate its state";
        }

        if (OpenLibraries() is { } failed)
        {
            Close(_state);
            _state = 0;
            _memory.Dispose();
            _memory = null;
            return "ERR Lua scripting could not start: " + failed;
        }

        return null;
    }

    private string? OpenLibraries()
    {
        var state = _state;
        Open(OpenBase, ""u8);
        Open(OpenTable, "table"u8);
        Open(OpenString, "string"u8);
        Open(OpenMath, "math"u8);
        Open(OpenDebug, "debug"u8);
        Module(OpenCjson, "cjson"u8);
        Module(OpenBit, "bit"u8);
        if (LuaModule(ScriptMsgPack.Source, "cmsgpack"u8) is { } failedModule)
        {
            return failedModule;
        }

        var prelude = Encoding.UTF8.GetBytes(ScriptPrelude.Source);
        int status;
        fixed (byte* p = prelude)
        fixed (byte* name = "=redis\0"u8)
        {
            status = LoadBuffer(state, p, (nuint)prelude.Length, name);
        }

        if (status == 0)
        {
            PushCClosure(state, &CallCallback, 0);
            PushCClosure(state, &Sha1Callback, 0);
            PushCClosure(state, &SetRespCallback, 0);
            PushCClosure(state, &RandomCallback, 0);
            PushCClosure(state, &SeedCallback, 0);
            PushCClosure(state, &TickCallback, 0);
            PushCClosure(state, &LogCallback, 0);
            PushCClosure(state, &WrapCallback, 0);
            PushBytes(state, ServerInfo.RedisVersion);
            PushNumber(state, VersionNumber(ServerInfo.RedisVersionText));
            PushCClosure(state, &AclCheckCallback, 0);
            status = PCall(state, 11, 6, 0);
        }

        if (status != 0)
        {
            var message = Encoding.UTF8.GetString(ToBytes(state, -1));
            SetTop(state, 0);
            return message;
        }

        _endLoad = Ref(state, RegistryIndex);
        _beginLoad = Ref(state, RegistryIndex);
        _env = Ref(state, RegistryIndex);
        _sweep = Ref(state, RegistryIndex);
        _arm = Ref(state, RegistryIndex);
        _handler = Ref(state, RegistryIndex);
        SetTop(state, 0);
        return null;

        void Open(delegate* unmanaged<nint, int> opener, ReadOnlySpan<byte> name)
        {
            PushCClosure(state, opener, 0);
            PushBytes(state, name);
            PCall(state, 1, 0, 0);
        }

        void Module(delegate* unmanaged<nint, int> opener, ReadOnlySpan<byte> name)
        {
            PushCClosure(state, opener, 0);
            if (PCall(state, 0, 1, 0) == 0)
            {
                PushBytes(state, name);
                Insert(state, -2);
                RawSet(state, GlobalsIndex);
            }

            SetTop(state, 0);
        }
    }

    /// <summary>Runs a library written in Lua (named as the prelude, so error positions skip it) and sets its table as a global.</summary>
    private string? LuaModule(string source, ReadOnlySpan<byte> global)
    {
        var state = _state;
        var code = Encoding.UTF8.GetBytes(source);
        int status;
        fixed (byte* p = code)
        fixed (byte* name = "=redis\0"u8)
        {
            status = LoadBuffer(state, p, (nuint)code.Length, name);
        }

        if (status == 0)
        {
            status = PCall(state, 0, 1, 0);
        }

        if (status != 0)
        {
            var message = Encoding.UTF8.GetString(ToBytes(state, -1));
            SetTop(state, 0);
            return message;
        }

        PushBytes(state, global);
        Insert(state, -2);
        RawSet(state, GlobalsIndex);
        SetTop(state, 0);
        return null;
    }

    private static double VersionNumber(string version)
    {
        var parts = version.Split('.');
        return (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) << 16)
            | (int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) << 8)
            | int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
    }
}
