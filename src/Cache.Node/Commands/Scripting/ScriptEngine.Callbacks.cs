using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Cache.Node.Scripting;
using static Cache.Node.Scripting.LuaNative;

namespace Cache.Node.Commands;

/// <summary>
/// The C functions Lua calls back into. None of them may raise a Lua error (that would unwind
/// through managed frames): each returns values the prelude's Lua wrappers act on, catches every
/// exception, and lifts the memory bound while it pushes results.
/// </summary>
internal sealed unsafe partial class ScriptEngine
{
    // Redis' redisLrand48: the 48-bit linear congruential generator, from its fixed initial state,
    // never reseeded between scripts (so consecutive scripts differ, and a node's sequence is reproducible).
    private const ulong RandMultiplier = 0x5DEECE66DUL;
    private const ulong RandIncrement = 0xB;
    private const ulong RandMask = (1UL << 48) - 1;
    private const int RandMax = int.MaxValue;
    private ulong _rand = 0x1234ABCD330EUL;

    [UnmanagedCallersOnly]
    private static int CallCallback(nint state)
    {
        if (t_running is not { _session: not null } engine)
        {
            SetTop(state, 0);
            return Fail(state, "redis.call/pcall can only be called inside a script invocation"u8);
        }

        engine._memory!.Unbounded = true;
        try
        {
            return engine.Call(state);
        }
        catch (Exception ex)
        {
            SetTop(state, 0);
            return Fail(state, System.Text.Encoding.UTF8.GetBytes("ERR internal error running the command: " + ex.Message));
        }
        finally
        {
            engine._memory!.Unbounded = false;
        }
    }

    /// <summary>Returns its Lua function argument wrapped in <see cref="LuaTrampoline"/> (unchanged where there is none).</summary>
    [UnmanagedCallersOnly]
    private static int WrapCallback(nint state)
    {
        SetTop(state, 1);
        if (LuaTrampoline.Entry != 0)
        {
            PushCClosure(state, (delegate* unmanaged<nint, int>)LuaTrampoline.Entry, 1);
        }

        return 1;
    }

    // redis.acl_check_cmd: whether the script's caller may run the command, without running it.
    [UnmanagedCallersOnly]
    private static int AclCheckCallback(nint state)
    {
        if (t_running is not { _session: not null } engine)
        {
            SetTop(state, 0);
            return Fail(state, "redis.acl_check_cmd can only be called inside a script invocation"u8);
        }

        engine._memory!.Unbounded = true;
        try
        {
            return engine.Call(state, checkOnly: true);
        }
        catch (Exception ex)
        {
            SetTop(state, 0);
            return Fail(state, System.Text.Encoding.UTF8.GetBytes("ERR internal error checking the command: " + ex.Message));
        }
        finally
        {
            engine._memory.Unbounded = false;
        }
    }

    [UnmanagedCallersOnly]
    private static int Sha1Callback(nint state)
    {
        Span<byte> digest = stackalloc byte[20];
        SHA1.HashData(ToBytes(state, 1), digest);
        Span<byte> hex = stackalloc byte[40];
        Convert.TryToHexStringLower(digest, hex, out _);
        return Bounded(state, hex);
    }

    [UnmanagedCallersOnly]
    private static int SetRespCallback(nint state)
    {
        if (t_running is { } engine)
        {
            engine._resp = (int)ToNumber(state, 1);
        }

        return 0;
    }

    [UnmanagedCallersOnly]
    private static int RandomCallback(nint state)
    {
        if (t_running is not { } engine)
        {
            PushNumber(state, 0);
            return 1;
        }

        engine._rand = ((RandMultiplier * engine._rand) + RandIncrement) & RandMask;
        var next = (int)(engine._rand >> 17);
        PushNumber(state, (double)(next % RandMax) / RandMax);
        return 1;
    }

    [UnmanagedCallersOnly]
    private static int SeedCallback(nint state)
    {
        if (t_running is { } engine)
        {
            var seed = (uint)(int)ToNumber(state, 1);
            engine._rand = 0x330EUL | ((ulong)(seed & 0xFFFF) << 16) | ((ulong)(seed >> 16) << 32);
        }

        return 0;
    }

    [UnmanagedCallersOnly]
    private static int TickCallback(nint state)
    {
        var stop = t_running is { } engine ? engine.Tick() : default;
        if (stop.IsEmpty)
        {
            PushBoolean(state, 0);
        }
        else
        {
            PushBytes(state, stop);
        }

        return 1;
    }

    [UnmanagedCallersOnly]
    private static int LogCallback(nint state)
    {
        t_running?.Log((int)ToNumber(state, 1), ToBytes(state, 2));
        return 0;
    }

    private static int Bounded(nint state, ReadOnlySpan<byte> value)
    {
        var engine = t_running;
        if (engine is not null)
        {
            engine._memory!.Unbounded = true;
        }

        PushBytes(state, value);
        if (engine is not null)
        {
            engine._memory!.Unbounded = false;
        }

        return 1;
    }

    private void Log(int level, ReadOnlySpan<byte> message) => ScriptLog?.Invoke(level, System.Text.Encoding.UTF8.GetString(message));

    /// <summary>Where redis.log writes (level 0 debug to 3 warning); null drops the lines.</summary>
    public Action<int, string>? ScriptLog { get; set; }
}
