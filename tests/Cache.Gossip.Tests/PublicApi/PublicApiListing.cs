using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Cache.Tests.PublicApi;

/// <summary>
/// Renders an assembly's public API (every public type and its public and protected members) as
/// sorted C#-like lines, by reflection, and compares it with a checked-in listing, so that an API
/// change is a visible, reviewed edit of that file rather than an accident.
/// </summary>
internal static class PublicApiListing
{
    /// <summary>Set to 1 to rewrite the checked-in listing with the API as it is (an intended change).</summary>
    public const string AcceptVariable = "GOSSIPCACHE_ACCEPT_API";

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly NullabilityInfoContext Nullability = new();

    public static IReadOnlyList<string> Render(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            var name = TypeName(type);
            lines.Add(TypeLine(type));
            foreach (var member in Members(type))
            {
                lines.Add(name + " :: " + member);
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>
    /// Fails with the difference when <paramref name="assembly"/>'s API differs from the listing in
    /// <paramref name="listingFile"/> (a file next to the calling test's source).
    /// </summary>
    public static void AssertMatches(Assembly assembly, string listingFile, [CallerFilePath] string callerPath = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(callerPath)!, listingFile);
        var actual = Render(assembly);
        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllLines(path, actual);
            return;
        }

        var expected = File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).ToList() : [];
        if (Difference(assembly.GetName().Name!, path, expected, actual) is { } difference)
        {
            Assert.Fail(difference);
        }
    }

    /// <summary>Null when the listings hold the same lines; else what was removed and added, and how to accept it.</summary>
    public static string? Difference(string assemblyName, string path, IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var removed = expected.Except(actual, StringComparer.Ordinal).ToList();
        var added = actual.Except(expected, StringComparer.Ordinal).ToList();
        if (removed.Count == 0 && added.Count == 0)
        {
            return null;
        }

        var message = new StringBuilder()
            .AppendLine($"The public API of {assemblyName} differs from {path}:");
        foreach (var line in removed)
        {
            message.AppendLine("- " + line);
        }

        foreach (var line in added)
        {
            message.AppendLine("+ " + line);
        }

        return message.AppendLine()
            .AppendLine("If the change is intended, update the listing and commit it with the change:")
            .AppendLine($"  {AcceptVariable}=1 dotnet test <this test project> -c Release --filter \"FullyQualifiedName~PublicApi\"")
            .AppendLine("(or apply the lines above to the file by hand). If it is not, make the new members internal.")
            .ToString();
    }

    private static string TypeLine(Type type)
    {
        var kind = type switch
        {
            { IsEnum: true } => "enum",
            { IsInterface: true } => "interface",
            { IsValueType: true } => IsReadOnly(type) ? "readonly struct" : "struct",
            _ when type.IsSubclassOf(typeof(Delegate)) => "delegate",
            { IsAbstract: true, IsSealed: true } => "static class",
            { IsAbstract: true } => "abstract class",
            { IsSealed: true } => "sealed class",
            _ => "class",
        };
        if (type.GetMethod("<Clone>$") is not null)
        {
            kind = kind.Replace("class", "record", StringComparison.Ordinal);
        }

        var bases = new List<string>();
        if (type.IsEnum)
        {
            bases.Add(TypeName(Enum.GetUnderlyingType(type)));
        }
        else if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType))
        {
            bases.Add(TypeName(baseType));
        }

        if (!type.IsEnum)
        {
            bases.AddRange(type.GetInterfaces().Select(TypeName).Order(StringComparer.Ordinal));
        }

        return $"public {kind} {TypeName(type)}" + (bases.Count > 0 ? " : " + string.Join(", ", bases) : "");
    }

    private static IEnumerable<string> Members(Type type)
    {
        if (type.IsEnum)
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                yield return $"{field.Name} = {Convert.ToInt64(field.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}";
            }

            yield break;
        }

        foreach (var member in type.GetMembers(Declared))
        {
            if (member.Name.Contains('<', StringComparison.Ordinal))
            {
                continue;   // compiler-generated (a record's clone method)
            }

            var line = member switch
            {
                ConstructorInfo c when Visible(c) => $"{Access(c)}{(c.IsStatic ? "static " : "")}.ctor({Parameters(c)})",
                MethodInfo m when Visible(m) && !m.IsSpecialName => $"{Access(m)}{Modifiers(m)}{Nullable(m.ReturnParameter)} {m.Name}{GenericArguments(m)}({Parameters(m)})",
                MethodInfo m when Visible(m) && m.Name.StartsWith("op_", StringComparison.Ordinal) => $"{Access(m)}static {Nullable(m.ReturnParameter)} {m.Name}({Parameters(m)})",
                PropertyInfo p when Accessors(p).Any(Visible) => Property(p),
                FieldInfo f when Visible(f) => $"{Access(f)}{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Nullable(f)} {f.Name}",
                EventInfo e when e.AddMethod is { } add && Visible(add) => $"{Access(add)}{Modifiers(add)}event {TypeName(e.EventHandlerType!)} {e.Name}",
                _ => null,
            };
            if (line is not null)
            {
                yield return line;
            }
        }
    }

    private static string Property(PropertyInfo property)
    {
        var getter = property.GetMethod is { } get && Visible(get) ? get : null;
        var setter = property.SetMethod is { } set && Visible(set) ? set : null;
        var any = (getter ?? setter)!;
        var init = setter?.ReturnParameter.GetRequiredCustomModifiers().Any(m => m == typeof(IsExternalInit)) == true;
        var accessors = (getter is null ? "" : "get; ") + (setter is null ? "" : init ? "init; " : "set; ");
        var indexer = property.GetIndexParameters() is { Length: > 0 } indexes ? "this[" + string.Join(", ", indexes.Select(Parameter)) + "]" : property.Name;
        return $"{Access(any)}{Modifiers(any)}{Nullable(property)} {indexer} {{ {accessors}}}";
    }

    private static IEnumerable<MethodInfo> Accessors(PropertyInfo property) =>
        new[] { property.GetMethod, property.SetMethod }.OfType<MethodInfo>();

    private static bool Visible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    private static bool Visible(FieldInfo field) => field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly;

    private static string Access(MethodBase method) => method.IsPublic ? "public " : "protected ";

    private static string Access(FieldInfo field) => field.IsPublic ? "public " : "protected ";

    private static string Modifiers(MethodInfo method)
    {
        if (method.IsStatic)
        {
            return "static ";
        }

        if (method.DeclaringType!.IsInterface)
        {
            return method.IsAbstract ? "" : "default ";
        }

        if (method.IsAbstract)
        {
            return "abstract ";
        }

        var isOverride = method.GetBaseDefinition().DeclaringType != method.DeclaringType;
        return (isOverride, method.IsVirtual && !method.IsFinal) switch
        {
            (true, _) => method.IsFinal ? "sealed override " : "override ",
            (false, true) => "virtual ",
            _ => "",
        };
    }

    private static string GenericArguments(MethodInfo method) =>
        method.IsGenericMethodDefinition ? "<" + string.Join(", ", method.GetGenericArguments().Select(a => a.Name)) + ">" : "";

    private static string Parameters(MethodBase method)
    {
        var parameters = method.GetParameters().Select(Parameter).ToList();
        if (method.IsDefined(typeof(ExtensionAttribute)) && parameters.Count > 0)
        {
            parameters[0] = "this " + parameters[0];
        }

        return string.Join(", ", parameters);
    }

    private static string Parameter(ParameterInfo parameter)
    {
        var modifier = parameter switch
        {
            { IsOut: true } => "out ",
            { ParameterType.IsByRef: true, IsIn: true } => "in ",
            { ParameterType.IsByRef: true } => "ref ",
            _ when parameter.IsDefined(typeof(ParamArrayAttribute)) => "params ",
            _ => "",
        };
        var text = $"{modifier}{Nullable(parameter)} {parameter.Name}";
        if (parameter.HasDefaultValue)
        {
            text += " = " + parameter.DefaultValue switch
            {
                null => "default",
                string s => "\"" + s + "\"",
                bool b => b ? "true" : "false",
                IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
                var other => other.ToString(),
            };
        }

        return text;
    }

    private static string Nullable(ParameterInfo parameter) => Annotated(parameter.ParameterType, Nullability.Create(parameter));

    private static string Nullable(PropertyInfo property) => Annotated(property.PropertyType, Nullability.Create(property));

    private static string Nullable(FieldInfo field) => Annotated(field.FieldType, Nullability.Create(field));

    // The type's name with '?' where its nullable annotations say so.
    private static string Annotated(Type type, NullabilityInfo info)
    {
        if (type.IsByRef)
        {
            type = type.GetElementType()!;
        }

        if (type.IsArray && info.ElementType is { } element)
        {
            return Annotated(type.GetElementType()!, element) + "[]" + (info.ReadState == NullabilityState.Nullable ? "?" : "");
        }

        if (type.IsGenericType && System.Nullable.GetUnderlyingType(type) is null && info.GenericTypeArguments.Length == type.GetGenericArguments().Length)
        {
            var arguments = type.GetGenericArguments().Select((a, i) => Annotated(a, info.GenericTypeArguments[i]));
            return GenericName(type) + "<" + string.Join(", ", arguments) + ">" + (info.ReadState == NullabilityState.Nullable && !type.IsValueType ? "?" : "");
        }

        var name = TypeName(type);
        return !type.IsValueType && info.ReadState == NullabilityState.Nullable ? name + "?" : name;
    }

    private static string TypeName(Type type)
    {
        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (System.Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return TypeName(underlying) + "?";
        }

        if (type.IsArray)
        {
            return TypeName(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        if (type.IsByRef || type.IsPointer)
        {
            return TypeName(type.GetElementType()!) + (type.IsPointer ? "*" : "");
        }

        var keyword = Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool",
            TypeCode.Byte => "byte",
            TypeCode.SByte => "sbyte",
            TypeCode.Int16 => "short",
            TypeCode.UInt16 => "ushort",
            TypeCode.Int32 => "int",
            TypeCode.UInt32 => "uint",
            TypeCode.Int64 => "long",
            TypeCode.UInt64 => "ulong",
            TypeCode.Single => "float",
            TypeCode.Double => "double",
            TypeCode.Decimal => "decimal",
            TypeCode.Char => "char",
            TypeCode.String => "string",
            _ => null,
        };
        if (keyword is not null && !type.IsEnum)
        {
            return keyword;
        }

        if (type == typeof(object))
        {
            return "object";
        }

        if (type == typeof(void))
        {
            return "void";
        }

        return type.IsGenericType
            ? GenericName(type) + "<" + string.Join(", ", type.GetGenericArguments().Select(TypeName)) + ">"
            : QualifiedName(type);
    }

    private static string GenericName(Type type)
    {
        var name = QualifiedName(type);
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }

    private static string QualifiedName(Type type) =>
        type.IsNested ? QualifiedName(type.DeclaringType!) + "." + type.Name : type.Namespace + "." + type.Name;

    private static bool IsReadOnly(Type type) => type.IsDefined(typeof(IsReadOnlyAttribute));
}
