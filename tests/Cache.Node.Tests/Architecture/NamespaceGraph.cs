using System.Reflection;
using System.Reflection.Emit;

namespace Cache.Node.Tests.Architecture;

/// <summary>
/// Which namespaces of one assembly use which: per type, the types it names in its base type,
/// interfaces, fields, properties, events, method signatures, locals, generic arguments and
/// constraints, and the type, method and field tokens of its method bodies. A nested type
/// (compiler-generated closures and state machines included) counts for its outermost type's namespace.
/// </summary>
internal sealed class NamespaceGraph
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(op => op.Value);

    private const int MaxExamples = 40;

    private readonly Assembly _assembly;

    // (from namespace, to namespace) -> the type edges behind it, "FromType -> ToType".
    private readonly Dictionary<(string From, string To), SortedSet<string>> _edges = [];

    private NamespaceGraph(Assembly assembly) => _assembly = assembly;

    /// <summary>Each namespace edge with the type edges behind it.</summary>
    public IReadOnlyDictionary<(string From, string To), SortedSet<string>> Edges => _edges;

    public static NamespaceGraph Of(Assembly assembly)
    {
        var graph = new NamespaceGraph(assembly);
        foreach (var type in assembly.GetTypes())
        {
            graph.AddType(type);
        }

        return graph;
    }

    /// <summary>Builds a graph from explicit edges (for testing the cycle finder itself).</summary>
    public static NamespaceGraph FromEdges(params (string From, string To)[] edges)
    {
        var graph = new NamespaceGraph(typeof(NamespaceGraph).Assembly);
        foreach (var (from, to) in edges)
        {
            graph.AddEdge(from, to, $"{from}.X -> {to}.Y");
        }

        return graph;
    }

    /// <summary>
    /// Every set of namespaces that reach each other (strongly connected, more than one), each
    /// with its edges inside the set and an example of each; empty when the graph has no cycle.
    /// </summary>
    public IReadOnlyList<string> DescribeCycles()
    {
        var components = StronglyConnected();
        var report = new List<string>();
        foreach (var component in components.Where(c => c.Count > 1))
        {
            var members = component.ToHashSet(StringComparer.Ordinal);
            var lines = _edges.Where(e => members.Contains(e.Key.From) && members.Contains(e.Key.To))
                .OrderBy(e => e.Key.From, StringComparer.Ordinal).ThenBy(e => e.Key.To, StringComparer.Ordinal)
                .Select(e => $"  {e.Key.From} -> {e.Key.To}: {string.Join(", ", e.Value.Take(MaxExamples))}{(e.Value.Count > MaxExamples ? $" and {e.Value.Count - MaxExamples} more" : "")}");
            report.Add($"cycle among {string.Join(", ", component.Order(StringComparer.Ordinal))}:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}");
        }

        return report;
    }

    // Tarjan's algorithm over the namespace graph.
    private List<List<string>> StronglyConnected()
    {
        var next = _edges.Keys.GroupBy(e => e.From, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList(), StringComparer.Ordinal);
        var nodes = _edges.Keys.SelectMany(e => new[] { e.From, e.To }).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<List<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var to in next.GetValueOrDefault(node) ?? [])
            {
                if (!index.ContainsKey(to))
                {
                    Visit(to);
                    low[node] = Math.Min(low[node], low[to]);
                }
                else if (onStack.Contains(to))
                {
                    low[node] = Math.Min(low[node], index[to]);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                result.Add(component);
            }
        }

        foreach (var node in nodes.Where(n => !index.ContainsKey(n)))
        {
            Visit(node);
        }

        return result;
    }

    private void AddType(Type type)
    {
        Use(type, type.BaseType);
        foreach (var contract in type.GetInterfaces())
        {
            Use(type, contract);
        }

        UseGenericParameters(type, type.IsGenericTypeDefinition ? type.GetGenericArguments() : []);
        foreach (var field in type.GetFields(Declared))
        {
            Use(type, field.FieldType);
        }

        foreach (var property in type.GetProperties(Declared))
        {
            Use(type, property.PropertyType);
        }

        foreach (var @event in type.GetEvents(Declared))
        {
            Use(type, @event.EventHandlerType);
        }

        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo info)
            {
                Use(type, info.ReturnType);
                UseGenericParameters(type, info.IsGenericMethodDefinition ? info.GetGenericArguments() : []);
            }

            foreach (var parameter in method.GetParameters())
            {
                Use(type, parameter.ParameterType);
            }

            AddBody(type, method);
        }
    }

    private void UseGenericParameters(Type type, Type[] parameters)
    {
        foreach (var parameter in parameters)
        {
            foreach (var constraint in parameter.GetGenericParameterConstraints())
            {
                Use(type, constraint);
            }
        }
    }

    private void AddBody(Type type, MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body is null)
        {
            return;
        }

        foreach (var local in body.LocalVariables)
        {
            Use(type, local.LocalType);
        }

        var il = body.GetILAsByteArray() ?? [];
        var typeArguments = type.IsGenericType ? type.GetGenericArguments() : null;
        var methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var at = 0; at < il.Length;)
        {
            var code = il[at] == 0xFE ? s_opCodes[unchecked((short)(0xFE00 | il[at + 1]))] : s_opCodes[il[at]];
            at += code.Size;
            switch (code.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    UseMember(type, method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments));
                    at += 4;
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + (4 * BitConverter.ToInt32(il, at));
                    break;
                default:
                    at += OperandSize(code.OperandType);
                    break;
            }
        }
    }

    private static int OperandSize(OperandType operand) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };

    private void UseMember(Type type, MemberInfo? member)
    {
        switch (member)
        {
            case Type referenced:
                Use(type, referenced);
                break;
            case MethodInfo method:
                Use(type, method.DeclaringType);
                foreach (var argument in method.IsGenericMethod ? method.GetGenericArguments() : [])
                {
                    Use(type, argument);
                }

                break;
            case MemberInfo other:
                Use(type, other.DeclaringType);
                break;
        }
    }

    private void Use(Type from, Type? to)
    {
        if (to is null || to.IsGenericParameter)
        {
            return;
        }

        if (to.HasElementType)
        {
            Use(from, to.GetElementType());
            return;
        }

        if (to.IsGenericType && !to.IsGenericTypeDefinition)
        {
            foreach (var argument in to.GetGenericArguments())
            {
                Use(from, argument);
            }

            to = to.GetGenericTypeDefinition();
        }

        if (to.Assembly != _assembly)
        {
            return;
        }

        var fromNamespace = NamespaceOf(from);
        var toNamespace = NamespaceOf(to);
        if (fromNamespace.Length > 0 && toNamespace.Length > 0 && fromNamespace != toNamespace)
        {
            AddEdge(fromNamespace, toNamespace, $"{Outermost(from).Name} -> {Outermost(to).Name}");
        }
    }

    private void AddEdge(string from, string to, string example)
    {
        if (!_edges.TryGetValue((from, to), out var examples))
        {
            examples = new SortedSet<string>(StringComparer.Ordinal);
            _edges[(from, to)] = examples;
        }

        examples.Add(example);
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    private static string NamespaceOf(Type type) => Outermost(type).Namespace ?? "";
}
