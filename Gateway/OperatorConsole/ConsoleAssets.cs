using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;

namespace Relay.Gateway.OperatorConsole;

/// <summary>
/// The operator console's files (Gateway/OperatorConsole: HTML, CSS and ES modules, no build step), embedded in the gateway's
/// assembly so every replica serves the same console as its code, with nothing to deploy beside it.
/// </summary>
public sealed class ConsoleAssets
{
    private const string ResourcePrefix = "console/";

    private readonly FrozenDictionary<string, ConsoleAsset> assets;

    public ConsoleAssets()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var contentTypes = new FileExtensionContentTypeProvider();
        assets = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToFrozenDictionary(name => name[ResourcePrefix.Length..].Replace('\\', '/'), name => Load(assembly, name, contentTypes), StringComparer.Ordinal);
    }

    public ConsoleAsset? Find(string path) => assets.GetValueOrDefault(path);

    public IEnumerable<string> Paths => assets.Keys;

    private static ConsoleAsset Load(Assembly assembly, string name, FileExtensionContentTypeProvider contentTypes)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"Missing console resource {name}");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        var contentType = contentTypes.TryGetContentType(name, out var known) ? known : "application/octet-stream";
        if (contentType.StartsWith("text/", StringComparison.Ordinal) || contentType.EndsWith("javascript", StringComparison.Ordinal))
        {
            contentType += "; charset=utf-8";
        }
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"";
        return new ConsoleAsset(content, contentType, etag);
    }
}

public sealed record ConsoleAsset(byte[] Content, string ContentType, string ETag);
