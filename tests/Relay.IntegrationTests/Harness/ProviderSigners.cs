using System.Diagnostics;
using System.Text.Json;

namespace Relay.IntegrationTests.Harness;

/// <summary>
/// Signs webhooks with the providers' own libraries (<c>tests/webhook-signers</c>: stripe, @octokit/webhooks-methods,
/// standardwebhooks, @shopify/shopify-api), run by node, so Relay's verification is tested against implementations it
/// did not write. <c>./test.sh</c> installs them; a run without it installs them on first use.
/// </summary>
public static class ProviderSigners
{
    private static readonly SemaphoreSlim Installing = new(1, 1);
    private static bool installed;

    private static string Folder => Path.Combine(ServiceBinaries.RepositoryRoot, "tests", "webhook-signers");

    /// <summary>One webhook to sign: the scheme, its secret, the exact body, and for the timestamped schemes the time and id.</summary>
    public sealed record Request(string Scheme, string Secret, string Body, long? Timestamp = null, string? Id = null);

    /// <summary>The headers each library puts on each request, in order.</summary>
    public static async Task<IReadOnlyList<Dictionary<string, string>>> SignAsync(params Request[] requests)
    {
        await EnsureInstalledAsync();
        var input = JsonSerializer.Serialize(requests, JsonSerializerOptions.Web);
        var (exitCode, output, errors) = await RunAsync("node", ["sign.mjs"], input, TimeSpan.FromSeconds(60));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"node sign.mjs exited with {exitCode}: {errors}");
        }
        return JsonSerializer.Deserialize<List<Dictionary<string, string>>>(output)
            ?? throw new InvalidOperationException("node sign.mjs printed nothing");
    }

    private static async Task EnsureInstalledAsync()
    {
        await Installing.WaitAsync();
        try
        {
            if (installed || Directory.Exists(Path.Combine(Folder, "node_modules", "stripe")))
            {
                installed = true;
                return;
            }
            var (exitCode, _, errors) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], null, TimeSpan.FromMinutes(5));
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in tests/webhook-signers failed ({exitCode}); ./test.sh installs node and the signers: {errors}");
            }
            installed = true;
        }
        finally
        {
            Installing.Release();
        }
    }

    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string command, string[] arguments, string? input, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(command)
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', arguments)} did not finish within {timeout}");
        }
        return (process.ExitCode, await output, await errors);
    }
}
