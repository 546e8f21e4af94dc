namespace Cache.Node.Commands;

/// <summary>Redis' ACL_* check results, ordered as Redis ranks them when selectors disagree.</summary>
internal enum AclResult
{
    Ok = 0,
    DeniedCommand = 1,
    DeniedKey = 2,
    DeniedAuth = 3,
    DeniedChannel = 4,
}
