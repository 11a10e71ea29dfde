using System.Text.Json.Nodes;

namespace Relay.Gateway.ApiReference;

/// <summary>One service's OpenAPI document, and which of its operations the gateway publishes.</summary>
/// <param name="Service">A short name, used to rename a component another document already defines differently.</param>
/// <param name="Publishes">(method in upper case, path) → whether the gateway routes that operation to this service.</param>
public sealed record ServiceDocument(string Service, JsonObject Document, Func<string, string, bool> Publishes);

/// <summary>
/// Merges the services' documents into the gateway's one public document: only the operations the gateway routes to
/// each service, their components (renamed on a clash, with every reference rewritten), and each service's
/// document-wide security requirement moved onto its own operations, where it still holds after the merge.
/// </summary>
public static class OpenApiDocumentMerger
{
    private static readonly string[] OperationKeys = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    public static JsonObject Merge(JsonObject info, IEnumerable<ServiceDocument> services, JsonObject? extraPaths = null)
    {
        var paths = new JsonObject();
        var components = new JsonObject();
        var tags = new JsonArray();
        var tagNames = new HashSet<string>(StringComparer.Ordinal);
        string? version = null;

        foreach (var service in services)
        {
            var document = (JsonObject)service.Document.DeepClone();
            version ??= document["openapi"]?.GetValue<string>();
            RenameClashingComponents(document, components, service.Service);
            var security = document["security"];

            foreach (var (path, item) in document["paths"]?.AsObject() ?? [])
            {
                if (item is not JsonObject pathItem)
                {
                    continue;
                }
                var target = paths[path] as JsonObject;
                foreach (var method in OperationKeys)
                {
                    if (pathItem[method] is not JsonObject operation || !service.Publishes(method.ToUpperInvariant(), path))
                    {
                        continue;
                    }
                    if (security is not null && operation["security"] is null)
                    {
                        operation["security"] = security.DeepClone();
                    }
                    if (target is null)
                    {
                        target = new JsonObject();
                        foreach (var (key, value) in pathItem)
                        {
                            // Path-level parameters and the like travel with the first operation published.
                            if (!OperationKeys.Contains(key))
                            {
                                target[key] = value?.DeepClone();
                            }
                        }
                        paths[path] = target;
                    }
                    target[method] = operation.DeepClone();
                }
            }

            foreach (var (section, entries) in document["components"]?.AsObject() ?? [])
            {
                if (entries is not JsonObject entryObject)
                {
                    continue;
                }
                var merged = components[section] as JsonObject ?? (JsonObject)(components[section] = new JsonObject());
                foreach (var (name, value) in entryObject)
                {
                    merged[name] ??= value?.DeepClone();
                }
            }

            foreach (var tag in document["tags"]?.AsArray() ?? [])
            {
                if (tag?["name"]?.GetValue<string>() is { } name && tagNames.Add(name))
                {
                    tags.Add(tag.DeepClone());
                }
            }
        }

        foreach (var (path, item) in extraPaths ?? [])
        {
            paths[path] ??= item?.DeepClone();
        }

        var result = new JsonObject
        {
            ["openapi"] = version ?? "3.1.1",
            ["info"] = info.DeepClone(),
            ["paths"] = SortedByKey(paths),
        };
        if (components.Count > 0)
        {
            result["components"] = components;
        }
        if (tags.Count > 0)
        {
            result["tags"] = tags;
        }
        return result;
    }

    /// <summary>A component this document defines differently from an earlier one gets the service's name in front.</summary>
    private static void RenameClashingComponents(JsonObject document, JsonObject mergedComponents, string service)
    {
        if (document["components"] is not JsonObject sections)
        {
            return;
        }
        var renames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (section, entries) in sections)
        {
            if (entries is not JsonObject entryObject || mergedComponents[section] is not JsonObject existing)
            {
                continue;
            }
            foreach (var (name, value) in entryObject.ToList())
            {
                if (existing[name] is { } other && !JsonNode.DeepEquals(other, value))
                {
                    var renamed = UniqueName(existing, entryObject, service + name);
                    entryObject.Remove(name);
                    entryObject[renamed] = value;
                    renames[$"#/components/{section}/{name}"] = $"#/components/{section}/{renamed}";
                }
            }
        }
        if (renames.Count > 0)
        {
            RewriteReferences(document, renames);
        }
    }

    private static string UniqueName(JsonObject existing, JsonObject own, string candidate)
    {
        var name = candidate;
        for (var n = 2; existing.ContainsKey(name) || own.ContainsKey(name); n++)
        {
            name = candidate + n;
        }
        return name;
    }

    private static void RewriteReferences(JsonNode? node, IReadOnlyDictionary<string, string> renames)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var target) && renames.TryGetValue(target, out var renamed))
                {
                    obj["$ref"] = renamed;
                }
                foreach (var (_, child) in obj.ToList())
                {
                    RewriteReferences(child, renames);
                }
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    RewriteReferences(child, renames);
                }
                break;
        }
    }

    private static JsonObject SortedByKey(JsonObject paths)
    {
        var sorted = new JsonObject();
        foreach (var (path, item) in paths.OrderBy(entry => entry.Key, StringComparer.Ordinal).ToList())
        {
            paths.Remove(path);
            sorted[path] = item;
        }
        return sorted;
    }
}
