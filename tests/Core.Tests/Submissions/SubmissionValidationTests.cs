using System.Text;
using Microstructures.Core.ReferenceData;
using Microstructures.Core.Submissions;

namespace Microstructures.Core.Tests.Submissions;

// The row rules and the whole-file refusals, field by field, with the French message a network reads.
public sealed class SubmissionValidationTests
{
    private static readonly SubmissionPeriod Year2025 = SubmissionPeriod.OfYear(2025);

    private static Microstructure Ms(string id, string opened = "2020-01-06", string? closed = null) =>
        new(id, "rms-a", "Cabinet " + id, "Strasbourg", "67000", "cabinet", [], opened, closed, "");

    private static SubmissionContext Context(SubmissionPeriod period) => new("rms-a", period,
        new Dictionary<string, Microstructure>
        {
            ["cabinet-a1"] = Ms("cabinet-a1"),
            ["cabinet-closed"] = Ms("cabinet-closed", closed: "2024-06-30"),
            ["cabinet-new"] = Ms("cabinet-new", opened: "2025-06-01"),
        },
        new HashSet<string> { "cabinet-b1" });

    private static (IReadOnlyList<string> Refusals, ValidatedSubmission? Validated) Check(Sheet sheet, bool json = false, SubmissionPeriod? period = null)
    {
        var p = period ?? Year2025;
        var (file, refusals) = json
            ? SubmissionReader.Read(sheet.JsonUtf8(), "application/json", sheet.Kind, p, 50_000)
            : SubmissionReader.Read(sheet.CsvUtf8(), "text/csv", sheet.Kind, p, 50_000);
        return (refusals, file is null ? null : SubmissionValidation.Validate(file, sheet.Kind, Context(p)));
    }

    private static RowError SingleError(Sheet sheet, bool json = false, SubmissionPeriod? period = null)
    {
        var (refusals, validated) = Check(sheet, json, period);
        Assert.Empty(refusals);
        Assert.Empty(validated!.Rows);
        Assert.Equal(1, validated.RejectedRows);
        return Assert.Single(validated.Errors);
    }

    [Fact]
    public void AValidFicheReadsTheSameFromCsvAndJson()
    {
        var sheet = new Sheet(SubmissionKind.PatientFiches).Add(Sheet.Fiche("cabinet-a1", "pat-01"));

        var (csvRefusals, csv) = Check(sheet);
        var (jsonRefusals, json) = Check(sheet, json: true);

        Assert.Empty(csvRefusals);
        Assert.Empty(jsonRefusals);
        var row = Assert.Single(csv!.Rows);
        Assert.Equal(row with { Line = 0 }, Assert.Single(json!.Rows) with { Line = 0 });
        var fiche = SubmissionRowJson.Fiche(row.Data);
        Assert.Equal(("PAT-01", 1980, "female", new DateOnly(2024, 3, 1), "minimum-income"), (fiche.Pseudonym, fiche.BirthYear, fiche.Sex, fiche.InclusionDate, fiche.Income));
        Assert.Equal(["precarity"], fiche.OtherReasons);
        Assert.Equal(2, row.Line);
    }

    [Fact]
    public void LabelsAndLooseSpellingsAreReadAsTheirCodes()
    {
        var sheet = new Sheet(SubmissionKind.PatientFiches).Add(Sheet.Fiche("Cabinet-A1", "PAT-01", sex: "Femme"), r =>
        {
            r["experiment"] = "Equip'Addict";
            r["otherReasons"] = new[] { "Santé mentale", "précarité" };
            r["mainSubstance"] = "COCAÏNE";
            r["inclusionDate"] = "01/03/2024";
            r["polyUse"] = "Oui";
        });

        var (refusals, validated) = Check(sheet);

        Assert.Empty(refusals);
        var fiche = SubmissionRowJson.Fiche(Assert.Single(validated!.Rows).Data);
        Assert.Equal(("cabinet-a1", "female", "equip-addict", "cocaine", true, new DateOnly(2024, 3, 1)),
            (fiche.MicrostructureId, fiche.Sex, fiche.Experiment, fiche.MainSubstance, fiche.PolyUse, fiche.InclusionDate));
        Assert.Equal(["precarity", "mental-health"], fiche.OtherReasons);
    }

    public static TheoryData<string, object?, string, string> FicheRules => new()
    {
        { "microstructureId", null, "microstructure_id", "Indiquez « Microstructure »." },
        { "microstructureId", "cabinet-b1", "microstructure_id", "La microstructure « cabinet-b1 » n'appartient pas à votre réseau : seules vos microstructures sont acceptées." },
        { "microstructureId", "cabinet-zz", "microstructure_id", "Aucune microstructure de votre réseau n'a l'identifiant « cabinet-zz »." },
        { "microstructureId", "cabinet-closed", "microstructure_id", "La microstructure « cabinet-closed » n'était pas ouverte pendant la période (l'année 2025)." },
        { "pseudonym", null, "pseudonyme", "Indiquez « Pseudonyme »." },
        { "birthYear", null, "annee_naissance", "Indiquez « Année de naissance »." },
        { "birthYear", "vers 1980", "annee_naissance", "« Année de naissance » doit être un nombre entier." },
        { "birthYear", 2015, "annee_naissance", "L'année de naissance donne un âge de 10 ans pendant la période : l'âge doit être compris entre 12 et 110 ans." },
        { "birthYear", 1910, "annee_naissance", "L'année de naissance donne un âge de 115 ans pendant la période : l'âge doit être compris entre 12 et 110 ans." },
        { "sex", null, "sexe", "Indiquez « Sexe »." },
        { "sex", "x", "sexe", "Valeur inconnue pour « Sexe » : choisissez parmi female (Femme), male (Homme)." },
        { "inclusionDate", null, "date_inclusion", "Indiquez « Date d'inclusion »." },
        { "inclusionDate", "2025-13-01", "date_inclusion", "« Date d'inclusion » doit être une date au format AAAA-MM-JJ ou JJ/MM/AAAA, par exemple 2025-02-03." },
        { "inclusionDate", "2026-01-05", "date_inclusion", "La date d'inclusion est postérieure à la fin de la période (31 décembre 2025)." },
        { "inclusionDate", "1989-12-31", "date_inclusion", "La date d'inclusion ne peut pas précéder le 1 janvier 1990." },
        { "experiment", null, "experimentation", "Indiquez « Expérimentation »." },
        { "experiment", "article-52", "experimentation", "Valeur inconnue pour « Expérimentation » : choisissez parmi equip-addict (Equip'Addict), sante-mentale (Microstructures post-Covid / santé mentale), none (Aucune)." },
        { "mainReason", null, "motif_principal", "Indiquez « Motif principal »." },
        { "mainReason", "boredom", "motif_principal", "Valeur inconnue pour « Motif principal » : choisissez parmi addiction (Addiction), precarity (Précarité), mental-health (Santé mentale)." },
        { "otherReasons", new[] { "addiction" }, "autres_motifs", "Ne répétez pas ici la valeur de « motif_principal »." },
        { "otherReasons", new[] { "precarity", "loneliness" }, "autres_motifs", "Valeur inconnue pour « Autres motifs » : choisissez parmi addiction (Addiction), precarity (Précarité), mental-health (Santé mentale)." },
        { "mainSubstance", "sugar", "produit_principal", "Valeur inconnue pour « Produit principal » : choisissez parmi alcohol (Alcool), tobacco (Tabac), cannabis (Cannabis), cocaine (Cocaïne), opiates (Opiacés), substitution-misuse (Mésusage de traitement de substitution), other-medicines (Autres médicaments), other (Autre produit)." },
        { "mainSubstance", null, "produit_principal", "Indiquez le produit principal, puisque « autres_produits » est rempli." },
        { "otherSubstances", new[] { "alcohol" }, "autres_produits", "Ne répétez pas ici la valeur de « produit_principal »." },
        { "polyUse", "souvent", "polyconsommation", "« Polyconsommation » se remplit par oui ou non." },
        { "disorders", new[] { "F10-F19" }, "troubles_cim10", "Valeur inconnue pour « Troubles psychiatriques (CIM-10) » : choisissez parmi F00-F09 (F00-F09 Troubles mentaux organiques), F20-F29 (F20-F29 Troubles psychotiques), F30-F39 (F30-F39 Troubles de l'humeur), F40-F48 (F40-F48 Troubles névrotiques et liés au stress), F50-F59 (F50-F59 Syndromes comportementaux (alimentation, sommeil, sexualité)), F60-F69 (F60-F69 Troubles de la personnalité), F70-F79 (F70-F79 Retard mental)." },
        { "stableHousing", "parfois", "logement_stable", "« Logement stable » se remplit par oui ou non." },
        { "income", "lottery", "ressources", "Valeur inconnue pour « Ressources principales » : choisissez parmi work (Revenus du travail), unemployment-benefit (Allocation chômage), minimum-income (RSA ou minima sociaux), none (Aucune ressource)." },
        { "healthRightsProblems", "?", "difficultes_droits_sante", "« Difficultés d'accès aux droits de santé » se remplit par oui ou non." },
        { "screenings", new[] { "hiv", "flu" }, "depistages", "Valeur inconnue pour « Dépistages » : choisissez parmi hiv (VIH), hcv (VHC), hbv (VHB)." },
        { "hbvVaccinated", "bientôt", "vaccination_vhb", "« Vaccination VHB » se remplit par oui ou non." },
        { "hcvTreatment", "finished", "traitement_vhc", "Valeur inconnue pour « Traitement VHC » : choisissez parmi started (Initié), continued (Poursuivi), none (Aucun)." },
        { "actsGp", -1, "actes_medecin", "« Actes du médecin généraliste » doit être compris entre 0 et 1 000." },
        { "actsPsychologist", 1001, "actes_psychologue", "« Actes du psychologue » doit être compris entre 0 et 1 000." },
        { "actsSocialWorker", "2,5", "actes_travailleur_social", "« Actes du travailleur social » doit être un nombre entier." },
        { "actsTotal", 13, "actes_total", "Le total (13) ne correspond pas à la somme de actes_medecin + actes_psychologue + actes_travailleur_social + actes_psychiatre (12)." },
    };

    [Theory]
    [MemberData(nameof(FicheRules))]
    public void EachFicheRuleRejectsItsRowWithItsFrenchMessage(string field, object? value, string column, string message)
    {
        var sheet = new Sheet(SubmissionKind.PatientFiches).Add(Sheet.Fiche("cabinet-a1", "PAT-01"), r => r[field] = value);

        var error = SingleError(sheet);

        Assert.Equal((2, column, message), (error.Line, error.Field, error.Reason.Replace('\u202f', ' ').Replace('\u00a0', ' ')));
    }

    [Fact]
    public void JsonErrorsNameTheIndexAndTheProperty()
    {
        var sheet = new Sheet(SubmissionKind.PatientFiches)
            .Add(Sheet.Fiche("cabinet-a1", "PAT-01"))
            .Add(Sheet.Fiche("cabinet-a1", "PAT-02"), r => r["sex"] = new[] { "female", "male" });

        var (_, validated) = Check(sheet, json: true);

        Assert.Single(validated!.Rows);
        Assert.Equal(new RowError(1, "sex", "« Sexe » ne prend qu'une seule valeur."), Assert.Single(validated.Errors));
    }

    [Fact]
    public void AMonthlyFicheMustFallInAMonthTheMicrostructureWasOpen()
    {
        var march = new SubmissionPeriod(2025, 3);
        var opened = new Sheet(SubmissionKind.PatientFiches).Add(Sheet.Fiche("cabinet-new", "PAT-01"));
        var late = new Sheet(SubmissionKind.PatientFiches).Add(Sheet.Fiche("cabinet-a1", "PAT-01", inclusionDate: "2025-04-01"));

        Assert.Equal("La microstructure « cabinet-new » n'était pas ouverte pendant la période (mars 2025).", SingleError(opened, period: march).Reason);
        Assert.Equal("La date d'inclusion est postérieure à la fin de la période (31 mars 2025).", SingleError(late, period: march).Reason);
        Assert.Single(Check(late).Validated!.Rows);
    }

    [Fact]
    public void OnlyTheBadRowIsRejectedAndADuplicatedPseudonymIsRejectedOnItsSecondLine()
    {
        var sheet = new Sheet(SubmissionKind.PatientFiches)
            .Add(Sheet.Fiche("cabinet-a1", "PAT-01"))
            .Add(Sheet.Fiche("cabinet-a1", "PAT-02"), r => r["sex"] = "?")
            .Add(Sheet.Fiche("cabinet-a1", "pat-01"))
            .Add(Sheet.Fiche("cabinet-a1", "PAT-03"));

        var (_, validated) = Check(sheet);

        Assert.Equal(["PAT-01", "PAT-03"], validated!.Rows.Select(r => r.Key));
        Assert.Equal(2, validated.RejectedRows);
        Assert.Equal([(3, "sexe"), (4, "pseudonyme")], validated.Errors.Select(e => (e.Line, e.Field)));
        Assert.Equal("Ce pseudonyme a déjà une fiche pour cette microstructure dans ce fichier (ligne 2) : une seule fiche par patient et par période.", validated.Errors[1].Reason);
    }

    [Fact]
    public void ActivityRulesCheckCountsTotalsAndDuplicates()
    {
        var sheet = new Sheet(SubmissionKind.MicrostructureActivity)
            .Add(Sheet.Activity("cabinet-a1"), r => r["screeningsTotal"] = 43)
            .Add(Sheet.Activity("cabinet-a1"))
            .Add(new Dictionary<string, object?> { ["microstructureId"] = "cabinet-new" })
            .Add(Sheet.Activity("cabinet-b1"))
            .Add(Sheet.Activity("cabinet-new"), r => r["screeningsTotal"] = 40);

        var (refusals, validated) = Check(sheet);

        Assert.Empty(refusals);
        Assert.Equal(["cabinet-a1"], validated!.Rows.Select(r => r.MicrostructureId));
        Assert.Equal(
            [
                (3, "microstructure_id", "Cette microstructure a déjà une ligne d'activité dans ce fichier (ligne 2)."),
                (4, "microstructure_id", "La ligne ne porte aucun chiffre d'activité."),
                (5, "microstructure_id", "La microstructure « cabinet-b1 » n'appartient pas à votre réseau : seules vos microstructures sont acceptées."),
                (6, "depistages_total", "Le total (40) ne correspond pas à la somme de depistages_vih + depistages_vhc + depistages_vhb (43)."),
            ],
            validated.Errors.Select(e => (e.Line, e.Field, e.Reason)));
    }

    public static TheoryData<string, object?, string> IdentifyingValues => new()
    {
        { "otherReasons", new[] { "1 85 02 2A 123 456 82" }, "Ligne 2, colonne « autres_motifs » : ressemble à un numéro de sécurité sociale. Les données identifiantes d'un patient sont refusées." },
        { "income", "06 12 34 56 78", "Ligne 2, colonne « ressources » : ressemble à un numéro de téléphone. Les données identifiantes d'un patient sont refusées." },
        { "sex", "jean.martin@example.org", "Ligne 2, colonne « sexe » : ressemble à une adresse e-mail. Les données identifiantes d'un patient sont refusées." },
        { "pseudonym", "Jean Martin", "Ligne 2, colonne « pseudonyme » : pseudonyme refusé. Le pseudonyme ne peut contenir que des lettres sans accent (A à Z), des chiffres et des tirets." },
        { "pseudonym", "MARTIN", "Ligne 2, colonne « pseudonyme » : pseudonyme refusé. Le pseudonyme doit contenir au moins une lettre et au moins un chiffre." },
        { "pseudonym", "PAT-12031985", "Ligne 2, colonne « pseudonyme » : pseudonyme refusé. Le pseudonyme ressemble à une date : n'y mettez ni date de naissance ni aucune autre date." },
        { "birthYear", "12/03/1985", "Ligne 2, colonne « annee_naissance » : ressemble à une date de naissance ; indiquez l'année seule." },
        { "commentaire", "", "La colonne « commentaire » ne fait pas partie du format des fiches patients : supprimez-la (aucun texte libre n'est accepté)." },
        { "nom", "Martin", "La colonne « nom » ne fait pas partie du format des fiches patients : supprimez-la (aucun texte libre n'est accepté)." },
    };

    [Theory]
    [MemberData(nameof(IdentifyingValues))]
    public void IdentifyingDataOrAnUnknownColumnRefusesTheWholeFile(string field, object? value, string message)
    {
        var sheet = new Sheet(SubmissionKind.PatientFiches)
            .Add(Sheet.Fiche("cabinet-a1", "PAT-01"), r => r[field] = value)
            .Add(Sheet.Fiche("cabinet-a1", "PAT-02"));

        var (refusals, validated) = Check(sheet);

        Assert.Null(validated);
        Assert.Equal(message, Assert.Single(refusals));
    }

    [Fact]
    public void InJsonAnUnknownOrNestedFieldAndANirAnywhereRefuseTheWholeDocument()
    {
        var sheet = new Sheet(SubmissionKind.PatientFiches)
            .Add(Sheet.Fiche("cabinet-a1", "PAT-01"), r => r["note"] = "x")
            .Add(Sheet.Fiche("cabinet-a1", "PAT-02"), r => r["actsGp"] = 185027512345625L);
        var nested = Encoding.UTF8.GetBytes("""{"fiches":[{"microstructureId":"cabinet-a1","pseudonym":"PAT-01","sex":{"name":"x"}}]}""");

        var (refusals, validated) = Check(sheet, json: true);
        var (_, nestedRefusals) = SubmissionReader.Read(nested, "application/json", SubmissionKind.PatientFiches, Year2025, 100);

        Assert.Null(validated);
        Assert.Equal(
            [
                "Élément 0 : le champ « note » ne fait pas partie du schéma des fiches patients (aucun texte libre n'est accepté).",
                "Élément 1, champ « actsGp » : ressemble à un numéro de sécurité sociale. Les données identifiantes d'un patient sont refusées.",
            ],
            refusals);
        Assert.Equal("Élément 0, champ « sex » : la valeur doit être un texte, un nombre, un booléen ou une liste de textes.", Assert.Single(nestedRefusals));
    }

    [Fact]
    public void ShapeErrorsRefuseTheFile()
    {
        static IReadOnlyList<string> Read(string text, string type, SubmissionKind kind = SubmissionKind.PatientFiches) =>
            SubmissionReader.Read(Encoding.UTF8.GetBytes(text), type, kind, Year2025, 2).Refusals;

        Assert.Equal(["Le document n'est pas du JSON valide."], Read("{\"fiches\": [", "application/json"));
        Assert.Contains("Le document JSON doit être un objet portant la liste « activity » (voir le schéma publié).", Read("""{"fiches": []}""", "application/json", SubmissionKind.MicrostructureActivity));
        Assert.Equal(["Le document indique une autre période que celle demandée (2025)."], Read("""{"period":"2024","fiches":[{"pseudonym":"PAT-01"}]}""", "application/json"));
        Assert.Equal(["La version de nomenclature « 2019.1 » n'est pas connue : la version en cours est 2026.1."], Read("""{"vocabularyVersion":"2019.1","fiches":[{"pseudonym":"PAT-01"}]}""", "application/json"));
        Assert.Equal(["Il manque les colonnes annee_naissance, date_inclusion, experimentation, motif_principal : voir le modèle des fiches patients."],
            Read("microstructure_id;pseudonyme;sexe\ncabinet-a1;PAT-01;female\n", "text/csv"));
        Assert.Equal(["Le fichier dépasse 2 lignes : découpez-le en plusieurs envois."], Read("microstructure_id;actes_medecin\na;1\nb;2\nc;3\n", "text/csv", SubmissionKind.MicrostructureActivity));
        Assert.Equal(["Le fichier ne contient aucune ligne de données : la première ligne doit nommer les colonnes, les suivantes porter les données."], Read("microstructure_id;actes_medecin\n", "text/csv", SubmissionKind.MicrostructureActivity));
    }

    [Fact]
    public void Utf8AndWindows1252ReadTheSameWithFrenchHeaders()
    {
        var text = "Microstructure;Pseudonyme;Année de naissance;Sexe;Date d'inclusion;Expérimentation;Motif principal;Autres motifs;Produit principal\r\n" +
            "cabinet-a1;PAT-01;1980;Femme;01/03/2024;Santé mentale;Précarité;Santé mentale;Cocaïne\r\n";

        var utf8 = SubmissionReader.Read(SubmissionHarness.Utf8Bom(text), "text/csv", SubmissionKind.PatientFiches, Year2025, 10);
        var windows = SubmissionReader.Read(SubmissionHarness.Windows1252(text), "text/csv", SubmissionKind.PatientFiches, Year2025, 10);

        Assert.Empty(utf8.Refusals);
        Assert.Empty(windows.Refusals);
        Assert.Equal("Windows-1252", windows.File!.Encoding);
        var a = SubmissionValidation.Validate(utf8.File!, SubmissionKind.PatientFiches, Context(Year2025));
        var b = SubmissionValidation.Validate(windows.File, SubmissionKind.PatientFiches, Context(Year2025));
        Assert.Empty(a.Errors);
        Assert.Equal(a.Rows, b.Rows);
        var fiche = SubmissionRowJson.Fiche(a.Rows[0].Data);
        Assert.Equal(("sante-mentale", "precarity", "cocaine"), (fiche.Experiment, fiche.MainReason, fiche.MainSubstance));
    }
}
