<?php
// Send one message with Debian's PHPMailer (libphp-phpmailer) and print its debug output, as a
// website would show it. Used by generate.py to record real transcripts; settings as JSON in argv[1].
require '/usr/share/php/libphp-phpmailer/autoload.php';

use PHPMailer\PHPMailer\PHPMailer;
use PHPMailer\PHPMailer\Exception;

$c = json_decode($argv[1], true);
$mail = new PHPMailer(true);
if ($c['lang'] !== 'en') {
    $mail->setLanguage($c['lang'], '/usr/share/php/libphp-phpmailer/language/');
}
$mail->isSMTP();
$mail->SMTPDebug = $c['debug'];
$mail->Debugoutput = $c['output'];
$mail->Host = $c['host'];
$mail->Port = $c['port'];
$mail->SMTPSecure = $c['secure'];
$mail->SMTPAutoTLS = $c['autotls'];
$mail->SMTPAuth = $c['auth'];
$mail->AuthType = $c['authtype'];
$mail->Username = $c['username'];
$mail->Password = $c['password'];
$mail->Timeout = $c['timeout'];
$mail->getSMTPInstance()->Timelimit = $c['timeout'];
$mail->Helo = 'www.example.test';
$mail->SMTPOptions = ['ssl' => ['cafile' => $c['cafile']]];
try {
    $mail->setFrom($c['from'], 'Web');
    $mail->addAddress($c['to']);
    $mail->Subject = 'Test';
    $mail->Body = $c['body'];
    $mail->send();
    echo "Message has been sent\n";
} catch (Exception $e) {
    echo "Mailer Error: {$mail->ErrorInfo}\n";
}
