using System.Runtime.InteropServices;

namespace Cache.Node.Scripting;

/// <summary>
/// A C function, as x86-64 machine code, that calls the Lua function in its first upvalue with
/// its own arguments and returns what it returns. Wrapping the prelude's Lua functions in it
/// makes them C functions to scripts: <c>return redis.call(...)</c> is then not a tail call (Lua
/// 5.1 keeps the caller's frame for C functions), so errors name the script's line as in Redis,
/// and an error raised inside unwinds through native frames only. Null on other machines.
/// </summary>
internal static unsafe partial class LuaTrampoline
{
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int ProtExec = 4;
    private const int MapPrivate = 2;
    private const int MapAnonymous = 0x20;
    private const int FirstUpvalue = LuaNative.GlobalsIndex - 1;

    private static readonly Lazy<nint> Code = new(Build);

    /// <summary>The trampoline's entry point, or 0 where it cannot be built.</summary>
    public static nint Entry => Code.Value;

    private static nint Build()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !OperatingSystem.IsLinux() || LuaNative.LoadError is not null)
        {
            return 0;
        }

        var code = new List<byte>(128);
        code.AddRange([0x53, 0x48, 0x89, 0xFB]);                 // push rbx; mov rbx, rdi (the lua_State)
        MoveEsi(code, FirstUpvalue);
        Call(code, (nint)LuaNative.PushValue);                   // lua_pushvalue(L, upvalue 1)
        code.AddRange([0x48, 0x89, 0xDF]);                       // mov rdi, rbx
        MoveEsi(code, 1);
        Call(code, (nint)LuaNative.Insert);                      // lua_insert(L, 1)
        code.AddRange([0x48, 0x89, 0xDF]);
        Call(code, (nint)LuaNative.GetTop);                      // n = lua_gettop(L)
        code.AddRange([0x8D, 0x70, 0xFF]);                       // lea esi, [rax - 1]
        code.AddRange([0x48, 0x89, 0xDF]);
        code.AddRange([0xBA, 0xFF, 0xFF, 0xFF, 0xFF]);           // mov edx, LUA_MULTRET
        Call(code, (nint)LuaNative.CallFunction);                // lua_call(L, n - 1, LUA_MULTRET)
        code.AddRange([0x48, 0x89, 0xDF]);
        Call(code, (nint)LuaNative.GetTop);                      // return lua_gettop(L)
        code.AddRange([0x5B, 0xC3]);                             // pop rbx; ret

        var page = MemoryMap(0, 4096, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (page == -1 || page == 0)
        {
            return 0;
        }

        CollectionsMarshal.AsSpan(code).CopyTo(new Span<byte>((void*)page, code.Count));
        return MemoryProtect(page, 4096, ProtRead | ProtExec) == 0 ? page : 0;
    }

    private static void MoveEsi(List<byte> code, int value)
    {
        code.Add(0xBE);
        code.AddRange(BitConverter.GetBytes(value));
    }

    private static void Call(List<byte> code, nint target)
    {
        code.AddRange([0x48, 0xB8]);                             // movabs rax, target
        code.AddRange(BitConverter.GetBytes((long)target));
        code.AddRange([0xFF, 0xD0]);                             // call rax
    }

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial nint MemoryMap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect")]
    private static partial int MemoryProtect(nint address, nuint length, int protection);
}
