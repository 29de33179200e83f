/* The firmware on a simulated board: simavr runs the real AVR image, its UART on a pty
 * (libsimavrparts' uart_pty), and an HX711 modelled on PD2/PD3 converts a known force.
 *
 *   hx711_board FIRMWARE.elf [RATE_HZ]
 *
 * Prints "port: /dev/pts/N" (as `pressure-monitor simulate` does), then runs in real time
 * until stopped. The load cell sees force(t) = 10 + 8 sin(2 pi 0.25 t) N, converted as
 * counts = -52000 + 1234.5 * force, so a test can check every decoded sample against the
 * device time it carries (tests/test_firmware.py holds the same formula).
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "avr_ioport.h"
#include "sim_avr.h"
#include "sim_elf.h"
#include "sim_time.h"
#include "uart_pty.h"

#define DOUT_PIN 2
#define SCK_PIN 3

typedef struct {
    avr_t *avr;
    avr_irq_t *dout;
    int32_t code;     /* the conversion waiting to be shifted out */
    int pulses;       /* clock pulses since it was latched */
    uint32_t period_us;
    unsigned conversions, reads;
} hx711;

static volatile sig_atomic_t stopping;

static void on_signal(int signum) {
    (void)signum;
    stopping = 1;
}

static double force_at(double t) { return 10.0 + 8.0 * sin(2.0 * M_PI * 0.25 * t); }

static avr_cycle_count_t convert(avr_t *avr, avr_cycle_count_t when, void *param) {
    hx711 *chip = param;
    double t = (double)avr_cycles_to_usec(avr, when) * 1e-6;
    chip->code = (int32_t)lround(-52000.0 + 1234.5 * force_at(t));
    chip->pulses = 0;
    chip->conversions++;
    avr_raise_irq(chip->dout, 0); /* DOUT low: a conversion waits */
    return when + avr_usec_to_cycles(avr, chip->period_us);
}

static void clock_edge(struct avr_irq_t *irq, uint32_t value, void *param) {
    hx711 *chip = param;
    if (!value || irq->value) { /* act on rising edges only */
        return;
    }
    chip->pulses++;
    if (chip->pulses <= 24) {
        uint32_t bits = (uint32_t)chip->code & 0xFFFFFF;
        avr_raise_irq(chip->dout, (bits >> (24 - chip->pulses)) & 1);
    } else if (chip->pulses == 25) {
        chip->reads++;
        avr_raise_irq(chip->dout, 1); /* busy until the next conversion */
    }
}

static double wall_seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + now.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FIRMWARE.elf [RATE_HZ]\n", argv[0]);
        return 2;
    }
    elf_firmware_t firmware;
    memset(&firmware, 0, sizeof firmware);
    if (elf_read_firmware(argv[1], &firmware) != 0) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 2;
    }
    avr_t *avr = avr_make_mcu_by_name("atmega328p");
    if (!avr) {
        fprintf(stderr, "simavr has no atmega328p\n");
        return 2;
    }
    avr_init(avr);
    avr_load_firmware(avr, &firmware);
    avr->frequency = 16000000;
    avr->log = LOG_ERROR;

    uart_pty_t uart;
    uart_pty_init(avr, &uart);
    uart_pty_connect(&uart, '0');

    hx711 chip = {avr, avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('D'), DOUT_PIN), 0, 0,
                  (uint32_t)(1e6 / (argc > 2 ? atof(argv[2]) : 80.0)), 0, 0};
    avr_raise_irq(chip.dout, 1);
    avr_irq_register_notify(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('D'), SCK_PIN),
                            clock_edge, &chip);
    avr_cycle_timer_register_usec(avr, chip.period_us, convert, &chip);

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    printf("port: %s\n", uart.pty.slavename);
    fflush(stdout);

    double started = wall_seconds();
    int state = cpu_Running;
    while (!stopping && state != cpu_Done && state != cpu_Crashed) {
        for (int i = 0; i < 10000 && state != cpu_Done && state != cpu_Crashed; i++) {
            state = avr_run(avr);
        }
        double ahead = (double)avr->cycle / avr->frequency - (wall_seconds() - started);
        if (ahead > 0.001) {
            usleep((useconds_t)(ahead * 1e6)); /* real time, as a board runs */
        }
    }
    fprintf(stderr, "%u conversions, %u read, cpu state %d\n", chip.conversions, chip.reads,
            state);
    fflush(stderr);
    /* Not uart_pty_stop(): its thread can miss the signal meant to end it and the join then
     * waits forever. Exiting closes the pty all the same. */
    _exit(state == cpu_Crashed ? 1 : 0);
}
