namespace Microstructures.DevHost.Tests.Support;

internal static class Eventually
{
    // Polls until the condition holds; fails with the description after the timeout (never a fixed sleep).
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string description, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeoutSeconds} s waiting for: {description} (last value: {value})");
            }
            await Task.Delay(50);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string description, int timeoutSeconds = 60) =>
        UntilAsync(() => Task.FromResult(condition()), ok => ok, description, timeoutSeconds);
}
