using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Microstructures.TestSupport;

namespace Microstructures.EndToEnd.ReferenceData;

public sealed class StaffPagesInBrowserTests(Azurite azurite, Browser browser) : IClassFixture<Azurite>, IClassFixture<Browser>
{
    private static readonly string[] OneContact = ["accueil@example.org"];

    [Fact]
    public async Task StaffTypeTheKeyBuildTheTreeAndIssueANetworkKeyShownOnlyOnce()
    {
        await using var app = await DevHostApp.StartAsync(azurite);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(app.BaseUrl, "api/manage").ToString());

        // The key is typed once.
        await page.GetByLabel("Clé d'accès de l'équipe").FillAsync(DevHostApp.StaffKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Continuer" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tree")).ToContainTextAsync("Aucune région");

        await page.Locator("#region-name").FillAsync("Région des Essais");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la région" }).ClickAsync();
        await Assertions.Expect(page.Locator("#staff-message")).ToContainTextAsync("region-des-essais");

        await page.Locator("#network-name").FillAsync("RMS des Essais");
        await page.Locator("#network-association").FillAsync("Association des Essais");
        await page.Locator("#network-region").SelectOptionAsync("region-des-essais");
        await page.Locator("#network-admin").FillAsync("coordination@example.org");
        await page.Locator("#network-medical").FillAsync("medecin@example.org");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le réseau" }).ClickAsync();
        await Assertions.Expect(page.Locator("#staff-message")).ToContainTextAsync("rms-des-essais");

        await page.Locator("#ms-name").FillAsync("Cabinet des Essais");
        await page.Locator("#ms-network").SelectOptionAsync("rms-des-essais");
        await page.Locator("#ms-town").FillAsync("Épinal");
        await page.Locator("#ms-postcode").FillAsync("88000");
        await page.Locator("#ms-type").SelectOptionAsync("msp");
        await page.Locator("#ms-contacts").FillAsync("accueil@example.org, secretariat@example.org");
        await page.Locator("#ms-opened").FillAsync("2024-01-15");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la microstructure" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tree")).ToContainTextAsync("Cabinet des Essais — Épinal (88000), MSP");

        // Network keys, through the staff navigation.
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Espace équipe" }).GetByRole(AriaRole.Link, new() { Name = "Clés réseau" }).ClickAsync();
        await Assertions.Expect(page.Locator("#keys")).ToContainTextAsync("pas encore de clé");
        await page.Locator("#key-network").SelectOptionAsync("rms-des-essais");
        await page.GetByLabel("Libellé de la nouvelle clé").FillAsync("Logiciel de saisie");
        await page.GetByRole(AriaRole.Button, new() { Name = "Créer une clé" }).ClickAsync();
        await Assertions.Expect(page.Locator("#new-key-value")).ToContainTextAsync("rms_");
        var secret = (await page.Locator("#new-key-value").TextContentAsync())!;
        Assert.StartsWith("rms_", secret, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#keys")).ToContainTextAsync("active");

        // The key works for the network's API.
        using (var network = app.CreateClient())
        {
            network.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
            var response = await network.GetAsync("/api/network/microstructures");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("Cabinet des Essais", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Shown once: after a reload, the key is listed but its secret is nowhere on the page.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#keys")).ToContainTextAsync("Logiciel de saisie");
        Assert.True(await page.Locator("#new-key").IsHiddenAsync());
        Assert.DoesNotContain(secret[4..], await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaffEditAMicrostructureSeeItsHistoryAndCloseIt()
    {
        await using var app = await DevHostApp.StartAsync(azurite);
        using (var staff = app.CreateClient())
        {
            staff.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DevHostApp.StaffKey);
            Assert.True((await staff.PostAsJsonAsync("/api/manage/regions", new { id = "edit-region", name = "Région Édition" })).IsSuccessStatusCode);
            Assert.True((await staff.PostAsJsonAsync("/api/manage/networks", new { id = "edit-rms", name = "RMS Édition", carryingAssociation = "Asso", regionId = "edit-region", administrativeCoordinatorEmail = "coordination@example.org", medicalCoordinatorEmail = "medecin@example.org" })).IsSuccessStatusCode);
            Assert.True((await staff.PostAsJsonAsync("/api/manage/microstructures", new { id = "edit-ms", networkId = "edit-rms", name = "Cabinet Ancien Nom", town = "Metz", postcode = "57000", practiceType = "cabinet", contactEmails = OneContact, openedOn = "2022-01-01" })).IsSuccessStatusCode);
        }
        var page = await OpenStaffHomeAsync(app);

        await page.GetByRole(AriaRole.Button, new() { Name = "Modifier Cabinet Ancien Nom" }).ClickAsync();
        await Assertions.Expect(page.Locator("#ms-name")).ToHaveValueAsync("Cabinet Ancien Nom");
        await page.Locator("#ms-name").FillAsync("Cabinet Nouveau Nom");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la microstructure" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tree")).ToContainTextAsync("Cabinet Nouveau Nom");

        await page.GetByRole(AriaRole.Button, new() { Name = "Historique de Cabinet Nouveau Nom" }).ClickAsync();
        await Assertions.Expect(page.Locator("#history-list")).ToContainTextAsync("Cabinet Ancien Nom → Cabinet Nouveau Nom");
        await Assertions.Expect(page.Locator("#history-list")).ToContainTextAsync("Équipe CNRMS");
        // In French: the action, the field's label and its values as the form shows them.
        await Assertions.Expect(page.Locator("#history-list")).ToContainTextAsync("Nom\u00a0: Cabinet Ancien Nom → Cabinet Nouveau Nom");
        await Assertions.Expect(page.Locator("#history-list td", new() { HasText = "modifié" })).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#history-list")).ToContainTextAsync("Type d'exercice\u00a0: — → cabinet de médecine générale");
        await Assertions.Expect(page.Locator("#history-list")).ToContainTextAsync("Réseau\u00a0: — → RMS Édition");
        Assert.DoesNotContain("updated", await page.Locator("#history-list").TextContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("practiceType", await page.Locator("#history-list").TextContentAsync(), StringComparison.Ordinal);

        await page.Locator("#team-ms").SelectOptionAsync("edit-ms");
        await page.GetByLabel("Année").FillAsync("2025");
        await page.GetByLabel("Médecins généralistes").FillAsync("3");
        await page.GetByLabel("Psychologues").FillAsync("1");
        await page.GetByLabel("Travailleurs sociaux").FillAsync("1");
        await page.GetByLabel("Psychiatres").FillAsync("0");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la composition" }).ClickAsync();
        await Assertions.Expect(page.Locator("#team-current")).ToContainTextAsync("2025");

        await page.GetByRole(AriaRole.Button, new() { Name = "Fermer Cabinet Nouveau Nom" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tree")).ToContainTextAsync("Cabinet Nouveau Nom");
        await Assertions.Expect(page.Locator("#tree")).ToContainTextAsync("fermé le");
    }

    [Fact]
    public async Task AFieldTheApiRefusesShowsItsFrenchErrorAboveItsInputAndTheMessageNamesItsLabel()
    {
        await using var app = await DevHostApp.StartAsync(azurite);
        var page = await OpenStaffHomeAsync(app);

        await page.Locator("#region-name").FillAsync("Région des Essais");
        await page.Locator("#region-id").FillAsync("Mauvais ID!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la région" }).ClickAsync();

        var error = page.Locator("#region-id-error");
        await Assertions.Expect(error).ToContainTextAsync("lettres minuscules sans accent");
        await Assertions.Expect(page.Locator("#region-id")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Contains("region-id-error", await page.Locator("#region-id").GetAttributeAsync("aria-describedby"), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#region-id")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("#staff-message")).ToContainTextAsync("Identifiant\u00a0: L'identifiant");

        await page.Locator("#region-id").FillAsync("region-des-essais");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer la région" }).ClickAsync();
        await Assertions.Expect(page.Locator("#staff-message")).ToContainTextAsync("region-des-essais");
        Assert.Equal(0, await page.Locator("#region-form .field-error").CountAsync());
    }

    // The staff home with the key typed, confirmation dialogs accepted.
    private async Task<IPage> OpenStaffHomeAsync(DevHostApp app)
    {
        var page = await browser.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        await page.GotoAsync(new Uri(app.BaseUrl, "api/manage").ToString());
        await page.GetByLabel("Clé d'accès de l'équipe").FillAsync(DevHostApp.StaffKey);
        await page.GetByLabel("Clé d'accès de l'équipe").PressAsync("Enter");
        return page;
    }
}
