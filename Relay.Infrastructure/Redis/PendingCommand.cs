namespace Relay.Infrastructure.Redis;

/// <summary>
/// A command on its way to the server and the caller's handle on its reply. Deriving from the completion
/// source saves one allocation per command on the hot path.
/// </summary>
internal sealed class PendingCommand : TaskCompletionSource<RespValue>
{
    public PendingCommand(string[] arguments)
        : base(TaskCreationOptions.RunContinuationsAsynchronously) // never run caller code on the reader loop
    {
        Arguments = arguments;
    }

    public string[] Arguments { get; }

    /// <summary>A command that must go out right behind this one, in the same write (a small pipeline).</summary>
    public PendingCommand? Next { get; init; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when handed to the connection; the command timeout runs from here.</summary>
    public long SentTimestamp { get; set; }

    public string Name => Arguments.Length > 0 ? Arguments[0] : "";

    public void Complete(in RespValue reply)
    {
        if (reply.Type == RespType.Error)
        {
            Fail(new RedisServerException(reply.Text ?? "ERR"));
        }
        else
        {
            TrySetResult(reply);
        }
    }

    public void Fail(Exception exception)
    {
        if (TrySetException(exception))
        {
            // Mark the exception observed: a caller that was cancelled no longer awaits this task, and its
            // late failure should not surface as an UnobservedTaskException. Awaiting callers still see it.
            _ = Task.Exception;
        }
    }
}
