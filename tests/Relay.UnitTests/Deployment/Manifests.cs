using YamlDotNet.RepresentationModel;

namespace Relay.UnitTests.Deployment;

/// <summary>One Kubernetes object from a manifest file.</summary>
internal sealed record K8sObject(string Kind, string Name, YamlMappingNode Root, string File)
{
    public YamlNode? this[params string[] path] => Root.At(path);

    public override string ToString() => $"{Kind}/{Name} ({Path.GetFileName(File)})";
}

/// <summary>A kustomization folder: its kustomization.yaml and the objects of the files it lists.</summary>
internal sealed class KustomizeDir
{
    private KustomizeDir(string directory, YamlMappingNode kustomization, IReadOnlyList<K8sObject> objects)
    {
        Directory = directory;
        Kustomization = kustomization;
        Objects = objects;
    }

    public string Directory { get; }

    public YamlMappingNode Kustomization { get; }

    /// <summary>Objects from the listed resources that are files of this folder (not other kustomizations).</summary>
    public IReadOnlyList<K8sObject> Objects { get; }

    public IReadOnlyList<string> Resources => Kustomization.Strings("resources");

    public static KustomizeDir Load(string directory)
    {
        var kustomization = Yaml.LoadFile(Path.Combine(directory, "kustomization.yaml")).Single();
        var objects = new List<K8sObject>();
        foreach (var resource in kustomization.Strings("resources"))
        {
            var path = Path.GetFullPath(Path.Combine(directory, resource));
            if (File.Exists(path))
            {
                objects.AddRange(Yaml.LoadObjects(path));
            }
        }

        return new KustomizeDir(directory, kustomization, objects);
    }

    public IEnumerable<K8sObject> OfKind(string kind) => Objects.Where(o => o.Kind == kind);

    public K8sObject Get(string kind, string name) =>
        Objects.SingleOrDefault(o => o.Kind == kind && o.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"{kind}/{name} is missing from {Directory}");

    public K8sObject? Find(string kind, string name) => Objects.SingleOrDefault(o => o.Kind == kind && o.Name == name);
}

internal static class Yaml
{
    public static IReadOnlyList<YamlMappingNode> LoadFile(string path) => Load(File.ReadAllText(path));

    public static IReadOnlyList<YamlMappingNode> Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    public static IReadOnlyList<K8sObject> LoadObjects(string path) =>
        LoadFile(path).Select(doc => ToObject(doc, path)).ToList();

    public static K8sObject ToObject(YamlMappingNode doc, string source) =>
        new(doc.Str("kind") ?? throw new InvalidDataException($"{source}: a document without kind"),
            doc.Str("metadata", "name") ?? throw new InvalidDataException($"{source}: a document without metadata.name"),
            doc,
            source);

    public static YamlNode? Child(this YamlNode? node, string key)
    {
        if (node is not YamlMappingNode map)
        {
            return null;
        }

        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode { Value: var name } && name == key)
            {
                return v;
            }
        }

        return null;
    }

    public static YamlNode? At(this YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            node = node.Child(key);
        }

        return node;
    }

    public static string? Str(this YamlNode? node, params string[] path) => (node.At(path) as YamlScalarNode)?.Value;

    public static int? Int(this YamlNode? node, params string[] path) =>
        int.TryParse(node.Str(path), out var value) ? value : null;

    public static bool? Bool(this YamlNode? node, params string[] path) =>
        bool.TryParse(node.Str(path), out var value) ? value : null;

    public static IReadOnlyList<YamlNode> Seq(this YamlNode? node, params string[] path) =>
        node.At(path) is YamlSequenceNode seq ? seq.Children.ToList() : [];

    public static IReadOnlyList<string> Strings(this YamlNode? node, params string[] path) =>
        node.Seq(path).OfType<YamlScalarNode>().Select(s => s.Value ?? "").ToList();

    /// <summary>The string keys and scalar values of a mapping (a ConfigMap's data, a selector, ...).</summary>
    public static IReadOnlyDictionary<string, string> Pairs(this YamlNode? node, params string[] path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.At(path) is YamlMappingNode map)
        {
            foreach (var (k, v) in map.Children)
            {
                if (k is YamlScalarNode { Value: { } key })
                {
                    result[key] = (v as YamlScalarNode)?.Value ?? "";
                }
            }
        }

        return result;
    }
}

/// <summary>Reads KEY=VALUE files the way kustomize's secretGenerator/configMapGenerator "envs" does.</summary>
internal static class EnvFile
{
    public static IReadOnlyDictionary<string, string> Load(string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                throw new InvalidDataException($"{path}: '{line}' is not KEY=VALUE");
            }

            result.Add(line[..eq], line[(eq + 1)..]);
        }

        return result;
    }
}
