<?php

namespace Licensing\Tests;

use Licensing\Base64Url;
use Licensing\Offline;
use Licensing\Tests\Support\Api;
use Licensing\Tests\Support\Attacker;
use PHPUnit\Framework\TestCase;

/** docs/license-keys.md and docs/certificates.md, checked with ext-openssl. */
final class OfflineTest extends TestCase
{
    private static function block(string $lang): string
    {
        $doc = (string) file_get_contents(__DIR__ . '/../../../docs/license-keys.md');
        if (!preg_match('/```' . $lang . '\n(.*?)\n```/s', $doc, $m)) {
            throw new \RuntimeException("no $lang block in docs/license-keys.md");
        }
        return trim($m[1]);
    }

    public function testTheDocumentedKeyVectorVerifiesAndEveryChangedCharacterFails(): void
    {
        $keys = Offline::parseJwks(self::block('jwks'));
        $key = self::block('license-key');
        $this->assertSame(['accountId' => 'acct_8dd8b0965f9475c3', 'licenseId' => 'lic_62ba527be2c6d86300018043'], Offline::verifyKey($key, $keys));
        for ($i = 0; $i < strlen($key); $i++) {
            foreach (['A', 'B', '.'] as $c) {
                if ($key[$i] !== $c) {
                    $this->assertNull(Offline::verifyKey(substr_replace($key, $c, $i, 1), $keys), "changed at $i to $c");
                }
            }
        }
        $this->assertNull(Offline::verifyKey($key . 'A', $keys));
        $this->assertNull(Offline::verifyKey(substr($key, 0, -1), $keys));
    }

    public function testTheVectorsKeyUnderADelegatedOrDuplicatedKidVerifiesNothing(): void
    {
        $key = self::block('license-key');
        $jwk = Offline::parseJwks(self::block('jwks'))[0];
        $this->assertNull(Offline::verifyKey($key, [$jwk + ['dlg' => 'x']]));
        $this->assertNull(Offline::verifyKey($key, [$jwk, $jwk]));
        $this->assertSame([], Offline::rootKeys([$jwk, $jwk]));
    }

    public function testRawSignaturesBecomeDerIntegersWithTheirSignBytes(): void
    {
        $r = "\x00\x00\x7f" . str_repeat("\x01", 29);
        $s = "\x80" . str_repeat("\x02", 31);
        $der = "\x30\x43" . "\x02\x1e\x7f" . str_repeat("\x01", 29) . "\x02\x21\x00\x80" . str_repeat("\x02", 31);
        $this->assertSame(bin2hex($der), bin2hex(Offline::rawToDer($r . $s)));
    }

    public function testBase64UrlIsStrictAndCanonical(): void
    {
        $this->assertSame("\xfb\xff", Base64Url::decode('-_8'));
        $this->assertNull(Base64Url::decode('+/8'));
        $this->assertNull(Base64Url::decode('-_8='));
        $this->assertNull(Base64Url::decodeCanonical('-_9', 2)); // unused bits set: not the canonical text of its bytes
    }

    public function testTheJwksListsRootKeysPlainAndDelegatedKeysWithAProofThatVerifies(): void
    {
        $lic = Api::license();
        Api::call('POST', 'v1/validate', ['key' => $lic['licenseKey'], 'domain' => 'shop.example-customer.com']);
        $keys = Offline::parseJwks(Api::jwks());
        $delegated = array_values(array_filter($keys, [Offline::class, 'isDelegated']));
        $this->assertNotEmpty($delegated);
        $this->assertNotEmpty(Offline::rootKeys($keys));
        foreach ($delegated as $k) {
            $proven = Offline::verifyDelegation($k['dlg'], $keys);
            $this->assertSame([$k['kid'], $k['x'], $k['y']], [$proven['kid'], $proven['x'], $proven['y']]);
        }
    }

    public function testAKeyAndCertificatesSignedByAnAttackersKeyAreRefusedEvenWhenTheJwksListsIt(): void
    {
        $lic = Api::license();
        $v = Api::call('POST', 'v1/validate', ['key' => $lic['licenseKey'], 'domain' => 'shop.example-customer.com'])['json'];
        $this->assertSame('VALID', $v['code']);
        $header = json_decode(Base64Url::decode(explode('.', $v['certificate'])[0]), true);
        $rootKid = json_decode(Base64Url::decode(explode('.', $header['dlg'])[0]), true)['kid'];
        foreach ([$rootKid, 'dlg-' . bin2hex(random_bytes(8))] as $kid) {
            $attacker = Attacker::create($kid);
            $forged = $attacker->forgeKey($lic['licenseKey']);
            $this->assertSame('NOT_FOUND', Api::call('POST', 'v1/validate', ['key' => $forged])['json']['code']);
            $now = time();
            $proof = $attacker->jws(['alg' => 'ES256', 'typ' => 'dlg+jwt', 'kid' => $rootKid],
                ['iss' => 'urn:licensing', 'sub' => $kid, 'jwk' => $attacker->jwk, 'iat' => $now, 'nbf' => $now, 'exp' => $now + 86400]);
            $claims = json_decode(Base64Url::decode(explode('.', $v['certificate'])[1]), true);
            $pirate = $attacker->jws(['alg' => 'ES256', 'typ' => 'JWT', 'kid' => $kid, 'dlg' => $proof], ['domain' => 'pirate.example'] + $claims);
            foreach ([$attacker->jwk, $attacker->jwk + ['dlg' => $proof]] as $listed) {
                $keys = Offline::parseJwks(['keys' => array_merge(Api::jwks()['keys'], [$listed])]);
                $this->assertNull(Offline::verifyKey($forged, $keys));
                $this->assertNull(Offline::verifyDelegation($proof, $keys));
                $this->assertNull(Offline::verifyCertificate($pirate, $keys));
            }
        }
        $keys = Offline::parseJwks(Api::jwks());
        $this->assertNotNull(Offline::verifyKey($lic['licenseKey'], $keys));
        $this->assertSame($lic['licenseId'], Offline::verifyCertificate($v['certificate'], $keys)['sub']);
        [$h, $p, $s] = explode('.', $v['certificate']);
        $this->assertNull(Offline::verifyCertificate($h . '.' . $p . '.' . ($s[0] === 'A' ? 'B' : 'A') . substr($s, 1), $keys));
    }
}
