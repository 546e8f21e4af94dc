using System.Text;
using static Cache.Node.Scripting.LuaNative;

namespace Cache.Node.Commands;

/// <summary>
/// Functions on this engine: running a library's code so it registers its functions (FUNCTION
/// LOAD), releasing them, and what FUNCTION STATS reports about the one running.
/// </summary>
internal sealed unsafe partial class ScriptEngine
{
    private readonly ScriptCaller _caller = new();
    private bool _loadTimeout;

    /// <summary>The name of the function running now (read from any thread), or null.</summary>
    public string? RunningFunction => _running ? _runningName : null;

    /// <summary>Milliseconds the running script has run so far.</summary>
    public long RunningMs => (long)_time.GetElapsedTime(_started).TotalMilliseconds;

    /// <summary>The command that started the running function (FUNCTION STATS).</summary>
    public byte[][] RunningCommand() => _caller.Arguments();

    /// <summary>
    /// Runs <paramref name="code"/> (a library's code after its <c>#!lua</c> line, newline kept) with the
    /// loading globals, adding the functions it registers to <paramref name="library"/>; null when it
    /// registered at least one, else the error to reply (and nothing is kept). With
    /// <paramref name="timeout"/>, code that runs past 500 ms is stopped, as Redis does for clients.
    /// </summary>
    public string? LoadLibrary(FunctionLibrary library, ReadOnlySpan<byte> code, bool timeout)
    {
        if (EnsureState() is { } unavailable)
        {
            return unavailable;
        }

        var state = _state;
        var memory = _memory!;
        SetTop(state, 0);
        RawGetI(state, RegistryIndex, _handler);
        int status;
        fixed (byte* p = code)
        fixed (byte* name = "@user_function\0"u8)
        {
            status = LoadBuffer(state, p, (nuint)code.Length, name);
        }

        if (status != 0)
        {
            var message = "ERR Error compiling function: " + Encoding.UTF8.GetString(ToBytes(state, -1));
            SetTop(state, 0);
            return message;
        }

        RawGetI(state, RegistryIndex, _beginLoad);
        PCall(state, 0, 1, 0);
        SetFEnv(state, -2);
        string? failure = null;
        _loading = true;
        _loadTimeout = timeout;
        _started = _time.GetTimestamp();
        t_running = this;
        try
        {
            memory.Unbounded = false;
            status = PCall(state, 0, 0, 1);
            memory.Unbounded = true;
            if (status != 0)
            {
                failure = "ERR Error registering functions: " + ErrorMessage(status);
            }
        }
        finally
        {
            memory.Unbounded = true;
            _loading = false;
            t_running = null;
        }

        SetTop(state, 0);
        RawGetI(state, RegistryIndex, _endLoad);
        PCall(state, 0, 1, 0);
        var count = (int)ObjLen(state, 1);
        for (var i = 1; failure is null && i + 3 <= count; i += 4)
        {
            RawGetI(state, 1, i);
            var name = Encoding.UTF8.GetString(ToBytes(state, -1));
            RawGetI(state, 1, i + 2);
            var flags = (ScriptFlags)(int)ToNumber(state, -1);
            RawGetI(state, 1, i + 3);
            var description = Type(state, -1) is TypeString or TypeNumber ? Encoding.UTF8.GetString(ToBytes(state, -1)) : null;
            SetTop(state, 1);
            RawGetI(state, 1, i + 1);
            library.Functions.Add(new ScriptFunction(name, library, Ref(state, RegistryIndex), flags, description));
        }

        AfterRun(state, status);
        if (failure is null && library.Functions.Count == 0)
        {
            failure = "ERR No functions registered";
        }

        return failure;
    }

    /// <summary>Lets the Lua state collect the functions of a library no longer kept.</summary>
    public void Release(FunctionLibrary library)
    {
        if (_state == 0)
        {
            return;
        }

        foreach (var function in library.Functions)
        {
            Unref(_state, RegistryIndex, function.Reference);
        }
    }

    /// <summary>The message of the error on top of the stack: the err field the handler set, or the text.</summary>
    private string ErrorMessage(int status)
    {
        var state = _state;
        if (status == ErrMem)
        {
            return "not enough memory";
        }

        if (Type(state, -1) == TypeTable)
        {
            RawGetField(state, -1, "err\0"u8);
            return Type(state, -1) is TypeString or TypeNumber ? Encoding.UTF8.GetString(ToBytes(state, -1)) : "ERR unknown error";
        }

        return Encoding.UTF8.GetString(ToBytes(state, -1));
    }
}
