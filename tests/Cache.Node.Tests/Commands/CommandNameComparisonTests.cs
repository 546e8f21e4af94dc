using System.Text.RegularExpressions;

namespace Cache.Node.Tests.Commands;

/// <summary>
/// Code decides by the command table (flags, key specs, <c>CommandId</c>), never by comparing a
/// command's name with a literal. This scans the node's sources for such comparisons.
/// </summary>
public sealed partial class CommandNameComparisonTests
{
    // The table itself turns names into definitions; comparing names is its job.
    private static readonly string[] TableFiles = ["CommandTable.cs", "CommandDefinition.cs"];

    [Fact]
    public void No_source_file_compares_a_command_name_with_a_literal()
    {
        var root = Path.Combine(RepositoryRoot(), "src", "Cache.Node");
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !TableFiles.Contains(Path.GetFileName(f)))
            .ToList();
        Assert.True(files.Count > 50, $"only {files.Count} files under {root}");

        var found = files.SelectMany(f => Find(File.ReadAllText(f)).Select(line => $"{Path.GetRelativePath(root, f)}: {line}")).ToList();
        Assert.True(found.Count == 0, "Command names compared with literals (use flags, key specs or CommandId):\n" + string.Join('\n', found));
    }

    [Theory]
    [InlineData("if (!isContainer && (group == \"connection\" || command.Name is \"readonly\" or \"readwrite\"))")]
    [InlineData("if (owners.Contains(self) && command.Name != \"watch\" && down)")]
    [InlineData("return cmd.FullName == \"client|list\";")]
    [InlineData("if (\"exec\" == command.Name) { }")]
    [InlineData("var x = string.Equals(sub.Name, \"get\", StringComparison.OrdinalIgnoreCase);")]
    [InlineData("if (command?.Name is not (\"get\" or \"set\")) { }")]
    [InlineData("switch (command.Name) { case \"get\": break; }")]
    [InlineData("var y = command.Name switch { \"get\" => 1, _ => 0 };")]
    [InlineData("void F(CommandDefinition target) { if (target.Name == \"get\") { } }")]
    [InlineData("if (q.Command.Name.Equals(\"exec\")) { }")]
    [InlineData("if (command.Parent?.Name == \"client\") { }")]
    [InlineData("if (command.NameBytes.AsSpan().SequenceEqual(\"exec\"u8)) { }")]
    public void The_scan_finds_name_comparisons(string code) => Assert.Single(Find(code));

    [Theory]
    [InlineData("if (member.Name == \"node-1\") { }")]
    [InlineData("if (client.Name == \"worker\") { }")]
    [InlineData("if (string.Equals(parameter.Name, name, StringComparison.OrdinalIgnoreCase)) { }")]
    [InlineData("if (command.Id == CommandId.Exec) { }")]
    [InlineData("table.Add(new(\"get\", 2, flags, Get, Group, \"Returns the string value of a key.\"));")]
    [InlineData("Log.Failed(logger, command.Name);")]
    [InlineData("var s = $\"ERR unknown command '{command.Name}'\";")]
    public void The_scan_leaves_other_names_alone(string code) => Assert.Empty(Find(code));

    /// <summary>The lines of <paramref name="source"/> that compare a command definition's name with a literal.</summary>
    private static List<string> Find(string source)
    {
        var receivers = new HashSet<string>(["command", "cmd", "sub", "Command", "Parent"], StringComparer.Ordinal);
        foreach (Match m in DeclaredDefinition().Matches(source))
        {
            receivers.Add(m.Groups["id"].Value);
        }

        var names = string.Join('|', receivers.Select(Regex.Escape));
        var access = $@"\b(?:{names})\??\.(?:Name|FullName)\b";
        var comparison = new Regex(string.Join('|',
            $@"{access}\s*(?:==|!=)\s*""",
            $@"""\s*(?:==|!=)\s*(?:\w+\??\.)*{access}",
            $@"{access}\s+is\s+(?:not\s+)?\(?\s*""",
            $@"Equals\(\s*(?:\w+\??\.)*{access}\s*,\s*""",
            $@"Equals\(\s*""[^""]*""\s*,\s*(?:\w+\??\.)*{access}",
            $@"{access}\??\.Equals\(\s*""",
            $@"switch\s*\(\s*(?:\w+\??\.)*{access}\s*\)",
            $@"{access}\s+switch\b",
            $@"\b(?:{names})\??\.NameBytes\b[^;]*""[^""]*""u8"));
        return source.Split('\n').Where(line => comparison.IsMatch(line)).Select(line => line.Trim()).ToList();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cache.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cache.sln not found above " + AppContext.BaseDirectory);
    }

    // A variable, parameter or field declared as a command definition.
    [GeneratedRegex(@"\bCommandDefinition\??\s+(?<id>[A-Za-z_]\w*)")]
    private static partial Regex DeclaredDefinition();
}
