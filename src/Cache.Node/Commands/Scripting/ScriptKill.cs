namespace Cache.Node.Commands;

/// <summary>What SCRIPT KILL found.</summary>
internal enum ScriptKill
{
    NotBusy,
    Unkillable,
    Killed,
}
