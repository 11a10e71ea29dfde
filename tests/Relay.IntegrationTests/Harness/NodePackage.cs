using System.Diagnostics;

namespace Relay.IntegrationTests.Harness;

/// <summary>
/// A folder of node scripts with its own package-lock.json under tests/ (the providers' signers, the console's browser
/// scenarios). <c>./test.sh</c> installs them; a run without it installs them on first use.
/// </summary>
public sealed class NodePackage(string folderUnderTests, string installedMarker)
{
    private readonly SemaphoreSlim installing = new(1, 1);
    private bool installed;

    public string Folder { get; } = Path.Combine(ServiceBinaries.RepositoryRoot, "tests", folderUnderTests);

    public async Task EnsureInstalledAsync()
    {
        await installing.WaitAsync();
        try
        {
            if (installed || Directory.Exists(Path.Combine(Folder, "node_modules", installedMarker)))
            {
                installed = true;
                return;
            }
            var (exitCode, _, errors) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], null, null, TimeSpan.FromMinutes(5));
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in tests/{Path.GetFileName(Folder)} failed ({exitCode}); ./test.sh installs node and the packages: {errors}");
            }
            installed = true;
        }
        finally
        {
            installing.Release();
        }
    }

    /// <summary>Runs a command in the folder; a run past its timeout is killed with its children and reported.</summary>
    public async Task<(int ExitCode, string Output, string Errors)> RunAsync(
        string command, string[] arguments, string? input, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout)
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
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
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
            throw new TimeoutException($"{command} {string.Join(' ', arguments)} did not finish within {timeout}: {await errors}");
        }
        return (process.ExitCode, await output, await errors);
    }
}
