using System.Text;
using QRCoder;

namespace Microstructures.EndToEnd;

// A camera for Chromium that films a QR code: a YUV4MPEG2 (.y4m) video Chromium plays, in a loop,
// as its only capture device when launched with Args(file).
internal static class FakeCamera
{
    private const int Width = 640, Height = 480, ModulePixels = 8, FramesPerSecond = 10, Frames = 10;
    private const byte Black = 16, White = 235, NoChroma = 128; // video-range luma; grey chroma

    public static string[] Args(string videoFile) =>
        ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--use-file-for-fake-video-capture=" + videoFile];

    // The QR code as RegistrationEmails.Qr draws it (ECC level M, 8 px modules), centred on white.
    public static void WriteQrVideo(string videoFile, string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var modules = data.ModuleMatrix; // already includes the 4-module quiet zone
        var side = modules.Count * ModulePixels;
        if (side > Height)
        {
            throw new InvalidOperationException($"A {modules.Count}-module QR code does not fit a {Width}x{Height} frame at {ModulePixels} px a module.");
        }
        var luma = new byte[Width * Height];
        Array.Fill(luma, White);
        int left = (Width - side) / 2, top = (Height - side) / 2;
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                if (modules[y / ModulePixels][x / ModulePixels])
                {
                    luma[((top + y) * Width) + left + x] = Black;
                }
            }
        }
        var chroma = new byte[Width / 2 * (Height / 2)];
        Array.Fill(chroma, NoChroma);

        using var file = File.Create(videoFile);
        file.Write(Encoding.ASCII.GetBytes($"YUV4MPEG2 W{Width} H{Height} F{FramesPerSecond}:1 Ip A1:1 C420jpeg\n"));
        for (var i = 0; i < Frames; i++)
        {
            file.Write("FRAME\n"u8);
            file.Write(luma);
            file.Write(chroma); // U
            file.Write(chroma); // V
        }
    }
}
